"""Progress of a build as it happens: which editions are rendering, which are done, how long.

The pipeline reports through a callback taking one line of text
(``"tbilisi [en] queued: pdf, html"``, ``"… built in 31.2 s"``, ``"… up to date"``).
``Reporter`` is that callback. On a terminal it keeps a live table (``rich``)
with a spinner per edition being rendered and the time elapsed; anywhere else
(a CI log, a pipe) it prints the same events as plain lines, each with the
time since the start; quiet, it prints nothing.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

EVENT_RE = re.compile(
    r"^(?P<key>\S+ \[[^\]]+\]) (?P<what>queued: |built in |up to date)(?P<rest>.*)$"
)


@dataclass
class Edition:
    key: str  # "tbilisi [en]"
    formats: str = ""
    state: str = "waiting"  # waiting, rendering, built, up to date
    started: float | None = None
    seconds: float | None = None


@dataclass
class Reporter:
    quiet: bool = False
    jobs: int = 1
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    live: bool | None = None  # None: a live display when the stream is a terminal
    editions: dict[str, Edition] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    _live: object = None

    def __post_init__(self) -> None:
        if self.live is None:
            isatty = getattr(self.stream, "isatty", lambda: False)
            self.live = not self.quiet and isatty()

    # --- the pipeline's callback ----------------------------------------------------

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        now = time.perf_counter()
        match = EVENT_RE.match(message)
        promoted: list[Edition] = []
        if match:
            key, what, rest = match["key"], match["what"], match["rest"]
            edition = self.editions.setdefault(key, Edition(key))
            if what == "queued: ":
                edition.formats = rest
            elif what == "built in ":
                edition.state, edition.seconds = "built", _seconds(rest)
            else:
                edition.state = "up to date"
            promoted = self._promote(now)
        if self.live:
            self._refresh()
            return
        self._line(f"{message}{self._elapsed(now)}")
        for edition in promoted:  # say what is rendering now
            self._line(f"{edition.key} rendering {edition.formats}{self._elapsed(now)}")

    def _promote(self, now: float) -> list[Edition]:
        """The workers take queued editions in order: the first ``jobs`` not done render."""
        rendering = sum(e.state == "rendering" for e in self.editions.values())
        promoted = []
        for edition in self.editions.values():
            if rendering >= self.jobs:
                break
            if edition.state == "waiting" and edition.formats:
                edition.state, edition.started = "rendering", now
                promoted.append(edition)
                rendering += 1
        return promoted

    def _elapsed(self, now: float) -> str:
        return f" [{now - self.started:.1f} s]"

    # --- output ---------------------------------------------------------------------

    def print(self, text: str = "", err: bool = False) -> None:
        """A line of the command's own output, printed above the live display."""
        if self._live is not None and not err:
            self._live.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr if err else self.stream, flush=True)

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def __enter__(self) -> Reporter:
        if self.live:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=self.stream)
            self._live = Live(
                console=console, get_renderable=self._table, refresh_per_second=8, transient=True
            )
            self._live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
            done = [e for e in self.editions.values() if e.state in ("built", "up to date")]
            for edition in done:  # what the live table showed, kept in the scrollback
                self._line(_summary(edition))

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.refresh()

    def _table(self):
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        now = time.perf_counter()
        table = Table.grid(padding=(0, 1))
        table.add_column(width=2)
        table.add_column()
        table.add_column()
        for edition in self.editions.values():
            if edition.state == "rendering":
                mark = Spinner("dots", style="cyan")
                text = f"rendering {edition.formats} · {now - (edition.started or now):.0f} s"
            elif edition.state == "waiting":
                mark, text = "·", f"waiting: {edition.formats}"
            elif edition.state == "built":
                mark, text = "[green]✓[/]", f"built in {edition.seconds:.1f} s"
            else:
                mark, text = "[dim]=[/]", "up to date"
            table.add_row(mark, Text(edition.key), Text(text))
        rendering = sum(e.state == "rendering" for e in self.editions.values())
        done = sum(e.state in ("built", "up to date") for e in self.editions.values())
        table.add_row(
            "",
            f"[bold]{done}/{len(self.editions)} done[/]",
            f"{rendering} rendering · {now - self.started:.0f} s elapsed",
        )
        return table


def _seconds(text: str) -> float | None:
    match = re.match(r"([\d.]+) s", text)
    return float(match.group(1)) if match else None


def _summary(edition: Edition) -> str:
    if edition.state == "built":
        return f"{edition.key} built in {edition.seconds:.1f} s"
    return f"{edition.key} up to date"
