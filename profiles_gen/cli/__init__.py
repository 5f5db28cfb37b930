"""The ``profiles-gen`` command: ``main`` its exit codes and messages, ``parser`` its
arguments, ``commands`` what each does, ``text`` the reports it prints, ``targets`` the
target-set commands, ``report`` the progress of a build.

Each command imports the stages it runs when it runs (imports inside its function), so
that ``profiles-gen --help`` and a no-op build do not load Jinja, matplotlib, WeasyPrint
or the catalogues; ``tools/check_layers.py`` exempts this package from giving a reason
per import for that.
"""
