"""Every case under tests/invalid/ is a broken copy of the mini city with its exact messages.

A case file holds sections: ``=== <path in the city>`` followed by the file's new
content (empty: the file is deleted), and ``=== expect`` followed by the error
lines ``profiles-gen validate`` must print, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

CASES = sorted((Path(__file__).parent / "invalid").glob("*.case"))


def parse_case(path: Path) -> tuple[dict[str, str], list[str]]:
    files: dict[str, str] = {}
    expect: list[str] = []
    current = None
    with path.open(encoding="utf-8", newline="") as fh:  # keep CRLF where a case has it
        lines = fh.read().splitlines(keepends=True)
    for line in lines:
        if line.startswith("=== "):
            current = line[4:].strip()
            if current != "expect":
                files[current] = ""
            continue
        if current is None:
            continue  # the comment above the first section
        if current == "expect":
            if line.strip():
                expect.append(line.rstrip("\r\n"))
        else:
            files[current] += line
    return files, expect


def apply_case(city: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        target = city / name
        if content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8"))
        else:
            target.unlink()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_input_is_reported_exactly(project: Path, case: Path) -> None:
    files, expect = parse_case(case)
    apply_case(project / "cities" / "mini", files)
    status, out, err = run_cli(["validate", "mini"], project)
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert status == 1
    assert errors == expect
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith(f"{len(expect)} error(s)")
