"""Imported once by the worker pool's fork server, before it forks any worker.

Each PDF edition renders in a fresh worker process (the pool ends a worker after one
task, so no process grows edition after edition); forked from a server that has
already imported WeasyPrint, Jinja and the pipeline, a new worker starts in a few
tens of milliseconds instead of importing them again. matplotlib is left out on
purpose: the charts are drawn into the chart cache before the editions render, each
edition's by a worker of its own, so the processes that lay out a PDF never hold matplotlib
(about 50 MB each).
"""

import os
import sys

import weasyprint  # noqa: F401

from profiles_gen.build import pipeline  # noqa: F401
from profiles_gen.publish import edition  # noqa: F401
from profiles_gen.render import city, environment, volume  # noqa: F401

# A worker that the build started just as it was stopped may begin after the build is
# gone: the locks it is handed no longer exist, and its start fails. Nobody is left to
# tell, and the build said "interrupted": it ends quietly. Any other failure prints as
# Python prints it.
_BUILD = os.getppid()  # the fork server's parent: the build
_excepthook = sys.excepthook


def _quiet_when_orphaned(kind, value, traceback) -> None:
    try:
        os.kill(_BUILD, 0)
    except ProcessLookupError:
        return
    except OSError:
        pass
    _excepthook(kind, value, traceback)


sys.excepthook = _quiet_when_orphaned
