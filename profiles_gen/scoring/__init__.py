"""Stage 3: achievement, bands and roll-ups (``score``); series and cities side by side
(``compare``). Pure decimal arithmetic: nothing here reads or writes a file.
"""
