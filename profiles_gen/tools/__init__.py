"""The tools around the build: workbooks (``sheets``), the static site and the
comparison page (``site``), the live preview (``serve``) and the check of the
built editions (``verify``).
"""
