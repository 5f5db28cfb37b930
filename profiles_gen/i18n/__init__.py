"""Languages: the gettext catalogues (``messages``), numbers and dates in the
reader's language (``formatter``), the fixed reader-facing words (``vocabulary``) and
the translators' checks (``locales``).
"""
