"""The ``profiles-gen`` command: exit codes and messages.

Exit status: 0 success, 1 invalid data (every problem printed as
``path:line:col: error: …``), 2 bad usage.
"""

from __future__ import annotations

import errno
import signal
import sys
from pathlib import Path

from profiles_gen.cli.commands import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    cmd_build,
    cmd_catalogue,
    cmd_compare,
    cmd_export_xlsx,
    cmd_import_itu,
    cmd_import_xlsx,
    cmd_list,
    cmd_locales,
    cmd_schema,
    cmd_score,
    cmd_serve,
    cmd_site,
    cmd_validate,
    cmd_verify,
)
from profiles_gen.cli.parser import make_parser
from profiles_gen.cli.targets import cmd_targets
from profiles_gen.core.errors import ProfileError, UsageError

COMMANDS = {
    "build": cmd_build,
    "validate": cmd_validate,
    "score": cmd_score,
    "compare": cmd_compare,
    "catalogue": cmd_catalogue,
    "list": cmd_list,
    "schema": cmd_schema,
    "locales": cmd_locales,
    "verify": cmd_verify,
    "site": cmd_site,
    "serve": cmd_serve,
    "export-xlsx": cmd_export_xlsx,
    "import-itu": cmd_import_itu,
    "import-xlsx": cmd_import_xlsx,
    "targets": cmd_targets,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command of ``argv``; an interrupt at any moment ends with one line."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM, wherever it lands
        print("interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    if argv is None:  # a real process, not a call from tests
        from profiles_gen.core.files import interrupt

        signal.signal(signal.SIGTERM, interrupt)
        signal.signal(signal.SIGINT, interrupt)
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except ProfileError as exc:
        root = Path.cwd()
        errors = exc.errors
        for issue in exc.issues:
            print(issue.format(root) if issue.path else f"error: {issue.message}", file=sys.stderr)
        if len(exc.issues) > 1 or (errors and exc.issues[0].path):  # not after one line
            print(
                f"{len(errors)} error(s), {len(exc.issues) - len(errors)} warning(s)",
                file=sys.stderr,
            )
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:  # the system refused: a full disk, a size limit, a permission
        from profiles_gen.core.files import DISK_FULL, write_error

        if exc.errno in (*DISK_FULL, errno.EFBIG):
            print(f"error: {write_error(exc).issues[0].message}", file=sys.stderr)
        else:
            named = exc.filename2 or exc.filename
            print(
                f"error: {exc.strerror or exc}" + (f": {named}" if named else ""), file=sys.stderr
            )
        return EXIT_INVALID
