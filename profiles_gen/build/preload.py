"""Imported once by the worker pool's fork server, before it forks any worker.

Each PDF edition renders in a fresh worker process (the pool ends a worker after one
task, so no process grows edition after edition); forked from a server that has
already imported WeasyPrint, Jinja and the pipeline, a new worker starts in a few
tens of milliseconds instead of importing them again. matplotlib is left out on
purpose: the charts are drawn into the chart cache by one worker of their own before
the editions render, so the processes that lay out a PDF never hold matplotlib
(about 50 MB each).
"""

import weasyprint  # noqa: F401

from profiles_gen.build import pipeline  # noqa: F401
from profiles_gen.publish import edition  # noqa: F401
from profiles_gen.render import city, environment, volume  # noqa: F401
