"""The ``profiles-gen`` command: ``parser`` its arguments, ``commands`` what each does,
``text`` the reports it prints, ``targets`` the target-set commands, ``report`` the
progress of a build.
"""
