"""``profiles-gen targets``: list, show and import target sets."""

from __future__ import annotations

import sys
from pathlib import Path

from profiles_gen.cli.commands import (
    EXIT_OK,
    EXIT_USAGE,
    city_dir_arg,
    known_languages,
    refuse_output,
)
from profiles_gen.cli.text import set_json, set_text, sets_summary
from profiles_gen.core.errors import ProfileError
from profiles_gen.core.paths import display_path


def cmd_targets(args) -> int:
    import re

    from profiles_gen.core.errors import IssueLog
    from profiles_gen.data.catalogue import load_catalogue
    from profiles_gen.data.targets import SET_NAME_RE, available_sets, load_set, search_dirs

    catalogue = load_catalogue()
    if args.targets_command == "import":
        return _targets_import(args, catalogue)
    known_languages([args.lang])
    city_dir = city_dir_arg(args.city) if args.city else None
    found = available_sets(search_dirs(city_dir))
    if args.set_name:
        if not re.match(SET_NAME_RE, args.set_name) or args.set_name not in found:
            raise ProfileError(
                f"no target set {args.set_name!r} (sets: {', '.join(found) or 'none'})"
            )
        found = {args.set_name: found[args.set_name]}
    log = IssueLog()
    sets = [s for s in (load_set(path, catalogue, log) for path in found.values()) if s]
    log.raise_if_errors()
    if args.json:
        from profiles_gen.publish.export import dumps_json

        sys.stdout.write(dumps_json([set_json(s, catalogue, args.lang) for s in sets]))
    else:
        from profiles_gen.i18n.formatter import Formatter

        fmt = Formatter(args.lang)
        if sets:
            sys.stdout.write(sets_summary(sets, catalogue, fmt))
        sys.stdout.write("".join(set_text(s, catalogue, fmt) for s in sets))
    return EXIT_OK


def _targets_import(args, catalogue) -> int:
    import re

    import yaml

    from profiles_gen.core.errors import IssueLog
    from profiles_gen.core.files import atomic_write
    from profiles_gen.data.targets import PROJECT_TARGETS, SET_NAME_RE, import_workbook, load_set

    if not re.match(SET_NAME_RE, args.set_name):
        raise ProfileError(
            f"{args.set_name!r}: a set name is lower-case letters, digits, '-' or '_'"
        )
    if not args.file.is_file():
        raise ProfileError(f"{args.file}: no such file")
    out = args.out or PROJECT_TARGETS / f"{args.set_name}.yaml"
    if refuse_output(
        "targets import", f"--out {out}", out, file=True, suffixes=(".yaml",), owned=PROJECT_TARGETS
    ):
        return EXIT_USAGE
    data = import_workbook(args.file, catalogue, args.set_name)
    header = (
        f"# Target set {args.set_name}, imported by profiles-gen targets import from "
        f"{args.file.name}.\n"
    )
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    atomic_write(out, text)
    log = IssueLog()  # what the written set says, read back like any set
    load_set(out, catalogue, log)
    for issue in log.issues:
        print(issue.format(Path.cwd()), file=sys.stderr)
    print(f"wrote {display_path(out)}: {len(data['targets'])} targets")
    return EXIT_OK
