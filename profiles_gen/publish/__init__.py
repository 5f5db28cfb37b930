"""Stage 6: the outputs on disk.

``edition`` writes one edition (``html`` the HTML edition, ``pdf`` the PDF through
WeasyPrint, ``glyphs`` the check that every character can be drawn); ``weasy`` and
``turned`` hold what touches WeasyPrint's internals and the PDF's turned pages;
``styles`` the stylesheets; ``export`` the open-data files; ``home`` the home pages.
"""
