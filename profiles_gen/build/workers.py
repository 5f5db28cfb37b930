"""Worker processes and build locks: a build that is stopped stops everywhere.

- **A fresh process per edition.** The pool forks each worker from a fork server
  that has already imported WeasyPrint, Jinja and the pipeline (``build/preload.py``;
  not matplotlib: the charts of each edition are drawn first, by a worker of their
  own) and ends it after one task (``max_tasks_per_child``), so each process holds one
  edition's layout at most and starts in milliseconds; nothing the main process
  loaded for the other cities is copied into it.
- **Workers die with the build.** Each worker asks Linux to kill it when its
  parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and a watcher thread
  ends it as soon as its parent is gone on any system, so even a SIGKILL of
  the main process leaves no worker rendering PDFs behind it. Workers ignore
  SIGINT: Ctrl-C reaches the main process, which stops them itself.
- **An interrupt publishes nothing more.** On SIGINT/SIGTERM (or any error)
  the main process closes the gate (a flag set under a lock shared with the
  workers), cancels what has not started and kills the workers. A worker
  renames a file or folder into place only through ``publishing()``, which
  holds the lock and refuses once the gate is closed, so no rename happens
  after the interrupt, and ``record_published`` then makes ``manifest.json``
  record exactly the outputs that were published before it.
- **One build of a city at a time.** ``output_lock`` takes an exclusive lock
  on ``<out>/.cache/locks/<city>.lock`` for the whole build (the start-of-build clean-up
  included, so it never deletes a running build's staging folders); a second
  build says which process holds it and waits.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import fcntl
import multiprocessing
import os
import resource
import signal
import socket
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from profiles_gen.build.manifest import MANIFEST, sha256_file
from profiles_gen.core.errors import ProfileError
from profiles_gen.core.files import (
    _GATE,
    atomic_write,
    clean_stale_temporaries,
    make_dirs,
    uninterrupted,
)

PR_SET_PDEATHSIG = 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # pragma: no cover - someone else's process now
        return True
    return True


def _die_with_parent(main: int) -> None:
    """Set in each worker: end when the process that started it (the fork server,
    which ends with the main process) or the main process itself ends."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watcher does it
            pass

    def watch() -> None:
        while os.getppid() == parent and _alive(main):
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watcher", daemon=True).start()


def _init_worker(main: int, lock, closed) -> None:
    _die_with_parent(main)
    if not _alive(main):
        os._exit(1)  # the main process died before prctl took effect
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _GATE["lock"], _GATE["closed"] = lock, closed


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose workers die with it and publish nothing once it is stopped.

    ``forked``: workers forked from this process itself, all of them at the first task
    (before the pool starts its thread), where the system forks safely (Linux): they start
    at once, without waiting for the fork server to import WeasyPrint, and serve several
    tasks each. For the charts, whose workers need matplotlib and nothing of WeasyPrint."""

    def __init__(self, jobs: int, forked: bool = False) -> None:
        forked = forked and sys.platform.startswith("linux")
        self.forked = forked  # its workers start with what this process has imported
        ctx = multiprocessing.get_context("fork") if forked else _context()
        self._lock = ctx.Lock()
        self._closed = ctx.Event()
        super().__init__(
            max_workers=jobs,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(os.getpid(), self._lock, self._closed),
            # one edition per process: the peak is one layout's (forked workers cannot be
            # renewed, and draw charts only)
            max_tasks_per_child=None if forked else 1,
        )

    def stop(self) -> None:
        """Close the gate, cancel what has not started and kill the workers.

        The executor's management thread replaces a worker that ends (one task each), so
        workers are killed until that thread has seen the pool broken and ended; only
        then is the pool shut down. Shutting down first raced the thread (it replaced a
        worker in a table already cleared: a TypeError on the way out); waiting for it
        while a replacement still ran could wait for ever (a killed worker may hold the
        lock of the queue the replacement reads).
        """
        got = self._lock.acquire(timeout=60)  # a worker may be finishing a rename
        self._closed.set()
        if got:
            self._lock.release()
        with self._shutdown_lock:  # no new work, and what has not started is cancelled
            self._cancel_pending_futures = True
            self._shutdown_thread = True
        # A task still being written into the pipe to a worker that is killed before it reads
        # it (a PDF's, submitted as the other edition's charts failed) would hold the queue's
        # writer, and the shutdown that waits for it, for ever: what is in the pipe is for
        # workers that will not run.
        with contextlib.suppress(AttributeError):
            self._call_queue.cancel_join_thread()
        manager = self._executor_manager_thread
        killed: dict = {}
        while True:
            for pid, process in (self._processes or {}).copy().items():
                if pid not in killed:
                    with contextlib.suppress(OSError, AttributeError, ValueError):
                        process.kill()
                    killed[pid] = process
            if manager is None or not manager.is_alive():
                break
            with self._shutdown_lock, contextlib.suppress(OSError, ValueError, AttributeError):
                self._executor_manager_thread_wakeup.wakeup()
            manager.join(timeout=0.05)
        self.shutdown(wait=True, cancel_futures=True)
        for process in killed.values():
            with contextlib.suppress(OSError, AttributeError, ValueError):
                process.join()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.stop()
            return False
        return super().__exit__(exc_type, exc, tb)


def _context():
    """The fork server with the heavy imports preloaded (spawn where there is none)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["profiles_gen.build.preload"])
    return ctx


def worker_pool(jobs: int, forked: bool = False) -> WorkerPool:
    return WorkerPool(jobs, forked)


def start_fork_server() -> None:
    """Start the workers' fork server now: it imports WeasyPrint (about a second) while
    this process validates, scores and plans, instead of after."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver  # only where there is a fork server

        forkserver.ensure_running()


def peak_memory_mb() -> float:
    """This process's peak resident memory so far (the kernel's high-water mark), in MB."""

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def record_published(builds, tasks) -> None:
    """After an interrupted or failed build: record each planned output that was published.

    ``builds``: the cities' builds; ``tasks``: (city build, edition plan) pairs. An
    output whose file is no longer the one ``manifest.json`` recorded was replaced by
    this build (the lock keeps any other out), from exactly the inputs its plan digested.
    """

    with uninterrupted():
        for build in builds:
            # A worker killed by ``WorkerPool.stop`` may leave its staging folder or the
            # folder its edition replaced (never in the middle of the swap: the gate's
            # lock) behind; the workers are gone now and the build lock is still held.
            clean_stale_temporaries(build.out_dir)
            for other, plan in tasks:
                if other is not build:
                    continue
                for fmt in plan.formats:
                    name = plan.outputs[fmt]
                    path = build.out_dir / name
                    entry = build.manifest.outputs.get(name) or {}
                    if path.is_file() and sha256_file(path) != entry.get("sha256"):
                        build.manifest.record(name, plan.digests[fmt], plan.files)
            # the data exports were written and recorded before any edition
            atomic_write(build.out_dir / MANIFEST, build.manifest.to_json())


_HELD: list = []  # the lock files this process holds, released by ``build_session``


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return "another build"
    return text or "another build"


def output_lock(out_dir: Path, notify=None) -> None:
    """Hold ``out_dir``'s build lock until the ``build_session`` ends; wait while another
    build has it.

    ``out_dir`` must be a real folder (not a link, not a file): it is created with
    mode 0755 if missing.
    """

    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise ProfileError(f"{out_dir}: exists and is not a folder; not writing into it")
    make_dirs(out_dir)
    path = out_dir.parent / ".cache" / "locks" / f"{out_dir.name}.lock"  # beside the caches
    make_dirs(path.parent)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ProfileError(f"{path}: not a regular file; remove it to build here")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    os.fchmod(fd, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = f"{out_dir}: {_holder(path)} is building here; waiting for it to finish"
            (notify or _stderr)(message)
            fcntl.flock(fd, fcntl.LOCK_EX)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n".encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    _HELD.append(fd)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def build_session():
    """Every build lock taken inside the block is released when it ends."""
    held = len(_HELD)
    try:
        yield
    finally:
        while len(_HELD) > held:
            fd = _HELD.pop()
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.close(fd)
