"""Files written whole or not at all.

Every output is written to a temporary file in its destination folder and renamed
into place (``atomic_write``), a folder is built beside its destination and swapped in
whole (``staged_dir``), so a failed or interrupted build never leaves a half-written
file over a good one. In a worker process each rename passes ``publishing()``, the gate
that the main process closes when the build is stopped (``build.workers``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path

from profiles_gen.core.errors import ProfileError


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """``atomic_write`` unless the file already holds exactly ``data``; True if written."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return False
    atomic_write(path, raw)
    return True


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, mode 0755 whatever the umask."""
    missing = []
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        with suppress(FileExistsError):
            path.mkdir()
            os.chmod(path, 0o755)


def replaceable(path: Path) -> None:
    """Refuse to replace anything but a regular file (or nothing) at ``path``.

    A build writes only regular files, into folders it owns: a folder, a link, a device
    or a FIFO where an output goes is someone else's and stays as it is.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise ProfileError(f"{path}: exists and is not a regular file; not replacing it")


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def write_error(exc: OSError, path: Path | str | None = None, exact: bool = False) -> ProfileError:
    """A failed write as the one line a user reads (``error: disk full writing …``): the
    file the error names (a copy names its target second), else ``path``; with ``exact``,
    ``path`` (where the file was going)."""
    where = path if exact else (exc.filename2 or exc.filename or path)
    if exc.errno in DISK_FULL:
        return ProfileError(f"disk full writing {where}")
    if exc.errno == errno.EFBIG:
        return ProfileError(f"file too large writing {where} (the file size limit, ulimit -f)")
    return ProfileError(f"cannot write {where}: {exc.strerror or exc}")


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    try:
        make_dirs(path.parent)
        replaceable(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise write_error(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        with publishing():
            os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise write_error(exc, path) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def clean_stale_temporaries(folder: Path) -> None:
    """Remove what an earlier build killed outright (SIGKILL, power cut) left half-written."""
    for path in [*folder.glob(".*.tmp"), *folder.glob(".*.old")]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    for path in folder.glob("*/.*.tmp"):
        path.unlink(missing_ok=True)


_INTERRUPTS = {"depth": 0, "pending": False}


def interrupt(signum, frame) -> None:
    """The CLI's handler of SIGINT and SIGTERM: unwind like Ctrl-C, so temporary files are
    removed on the way out, but not in the middle of swapping a folder into place."""
    if _INTERRUPTS["depth"]:
        _INTERRUPTS["pending"] = True
        return
    raise KeyboardInterrupt


@contextmanager
def uninterrupted():
    """Hold an interrupt back until the block is done, then raise it."""
    _INTERRUPTS["depth"] += 1
    try:
        yield
    finally:
        _INTERRUPTS["depth"] -= 1
        if not _INTERRUPTS["depth"] and _INTERRUPTS["pending"]:
            _INTERRUPTS["pending"] = False
            raise KeyboardInterrupt


@contextmanager
def staged_dir(final: Path):
    """A fresh folder beside ``final`` that replaces it only when the block succeeds."""
    try:
        make_dirs(final.parent)
        if final.is_symlink() or (final.exists() and not final.is_dir()):
            raise ProfileError(f"{final}: exists and is not a folder; not replacing it")
        stage = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp"))
    except OSError as exc:
        raise write_error(exc, final) from None
    old = final.parent / f".{final.name}.old"
    try:
        try:
            yield stage
        except OSError as exc:  # writing into the stage: a full disk, a size limit
            named = exc.filename2 or exc.filename
            target = final
            if named and Path(named).is_relative_to(stage):  # where it was going
                target = final / Path(named).relative_to(stage)
            raise write_error(exc, target, exact=True) from None
        _publishable(stage)
        with uninterrupted(), publishing():
            if old.exists():
                shutil.rmtree(old)
            if final.exists():
                os.replace(final, old)
            os.replace(stage, final)
    finally:
        # Whatever interrupted the block, leave either the new or the old folder in place,
        # and nothing else; an interrupt during this clean-up waits for its end.
        with uninterrupted():
            if not final.exists() and old.exists():
                os.replace(old, final)
            for leftover in (stage, old):
                if leftover.exists():
                    shutil.rmtree(leftover)


def _publishable(folder: Path) -> None:
    """Folders 0755 and files 0644, whatever the umask; nothing but folders and files."""
    os.chmod(folder, 0o755)
    for top, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(top, name), 0o755, follow_symlinks=False)
        for name in files:
            path = os.path.join(top, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                raise ProfileError(f"{path}: not a regular file in the edition")
            os.chmod(path, 0o644)


# In a worker: the shared gate (lock, flag). In the main process both stay None.
_GATE: dict = {"lock": None, "closed": None}


class Interrupted(KeyboardInterrupt):
    """Raised in a worker that would publish after the build was stopped."""


@contextlib.contextmanager
def publishing():
    """Around each rename into place: in a worker, refused once the build is stopped."""
    lock = _GATE["lock"]
    if lock is None:  # the main process: an interrupt unwinds it before the rename
        yield
        return
    with lock:
        if _GATE["closed"].is_set():
            raise Interrupted
        yield
