"""Stage 5: the view of an edition and its HTML.

``city`` and ``volume`` build the view (every string in the edition's language),
``rows`` the KPI rows, ``outline`` the chapters' ids and titles, ``markdown`` the
narrative; ``environment`` renders the Jinja templates and ``urls`` sets URLs breakable.
"""
