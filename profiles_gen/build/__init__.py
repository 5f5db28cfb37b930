"""The orchestration: ``pipeline`` runs the stages for each edition, ``plan`` decides
what to build against ``manifest``, ``publication`` is a city or a volume as the
pipeline sees it, ``workers`` the process pool and the build lock.
"""
