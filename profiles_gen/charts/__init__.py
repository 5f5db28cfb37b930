"""Stage 4: the figures, drawn with matplotlib as accessible SVG.

``specs`` turns scored data into a ``Spec`` per figure; ``draw`` renders a spec through
the cache; ``wheel`` and ``figures`` lay the figures out in points, fitting every label
with ``text``; ``style`` holds the measures and colours they share.
"""
