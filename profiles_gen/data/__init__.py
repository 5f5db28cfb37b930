"""Stage 1 and 2: a city's folder read and checked.

``load`` reads the files exactly as they are, ``schema`` and ``validate`` check them
(the city's narrative with ``narrative``, its templates with ``sandbox``), ``model`` holds
the frozen result, ``catalogue`` the U4SSC framework and ``targets`` the target sets.
"""
