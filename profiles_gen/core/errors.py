"""Errors and issues reported to users.

Log-level policy: a problem in a user's file is an ``Issue`` (``error`` or
``warning``) carrying the file, line and column it comes from. Validation
collects every issue of a run and raises one ``ProfileError`` holding them
all; the CLI prints each as ``path:line:col: severity: field: message`` (the
GCC form editors make clickable) and exits 1 (2 for a ``UsageError``). Only
``ProfileError`` is printed cleanly: any other exception is a bug in profiles-gen and keeps its
traceback. Warnings become failures under ``--strict``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Issue:
    path: str
    line: int
    col: int
    field: str
    message: str
    severity: str = "error"

    def format(self, root: Path | None = None) -> str:
        path = self.path
        if root is not None:
            try:
                path = os.path.relpath(self.path, root)
            except ValueError:
                pass
        where = f"{path}:{self.line}:{self.col}" if self.line else path
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}: {field}{self.message}"


class ProfileError(Exception):
    """A problem in the user's input or environment, reported without traceback."""

    def __init__(self, issues: list[Issue] | str):
        if isinstance(issues, str):
            issues = [Issue("", 0, 0, "", issues)]
        self.issues = sorted(issues, key=lambda i: (i.path, i.line, i.col, i.field))
        super().__init__("\n".join(i.format() for i in self.issues))

    def __reduce__(self):  # keep the issues when raised in a worker process
        return (type(self), (self.issues,))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


class UsageError(ProfileError):
    """Bad usage rather than invalid data (exit status 2): a city or a file that does not
    exist, a language without a catalogue, too few cities to compare."""


class IssueLog:
    """Collects issues of one run; ``raise_if_errors`` fails once with all of them."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, path: str | Path, line: int, col: int, field: str, message: str) -> None:
        self.issues.append(Issue(str(path), line, col, field, message, "error"))

    def warning(self, path: str | Path, line: int, col: int, field: str, message: str) -> None:
        self.issues.append(Issue(str(path), line, col, field, message, "warning"))

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(self, strict: bool = False) -> None:
        failing = [i for i in self.issues if i.severity == "error" or strict]
        if failing:
            raise ProfileError(self.issues)
