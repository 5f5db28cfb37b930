"""One object per kind of publication, made by ``prepare``: a city's profile or a volume.

``prepare`` loads and validates a folder (every problem at once) and returns
a ``CityProfile`` or, for a folder holding ``volume.yaml``, a ``Volume
Profile``. Each answers what the pipeline asks of a publication, the same way
for both kinds, so the pipeline never asks which kind it holds: its ``score``,
its open-data ``exports``, the files its data and each edition are built from
(``data_inputs``, ``edition_inputs``), the charts and view of one language
(``draw``) and the HTML of that view for screen or print (``render``, through
its ``template``).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property
from pathlib import Path

from profiles_gen.build import manifest
from profiles_gen.core.errors import IssueLog
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.load import is_volume, load_city, load_volume
from profiles_gen.data.model import Catalogue, City, Score, Volume
from profiles_gen.data.validate import validate_city, validate_volume
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.publish import export
from profiles_gen.render.city import build_view
from profiles_gen.render.volume import build_volume_view
from profiles_gen.scoring.compare import compare_cities, progress
from profiles_gen.scoring.score import score_city


def today() -> dt.date:
    """The date validation measures "the future" against (``SOURCE_DATE_EPOCH`` wins)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def prepare_city(
    city_dir: Path, strict: bool = False, allow_remote: bool = False, publishing: bool = False
) -> tuple[City, Catalogue, IssueLog]:
    """Load and validate a city; raise ``ProfileError`` with every problem at once.
    ``publishing``: for a build (an official publication's essentials are errors)."""
    catalogue = load_catalogue()
    log = IssueLog()
    raw = load_city(city_dir, log)
    city = validate_city(
        raw, catalogue, log, today=today(), allow_remote=allow_remote, publishing=publishing
    )
    log.raise_if_errors(strict=strict)
    return city, catalogue, log


def prepare_volume(
    volume_dir: Path, strict: bool = False, allow_remote: bool = False, publishing: bool = False
) -> tuple[Volume, Catalogue, IssueLog]:
    """Load a volume and its member cities, validate them all; every problem at once."""
    catalogue = load_catalogue()
    log = IssueLog()
    raw = load_volume(volume_dir, log)
    volume = validate_volume(
        raw, catalogue, log, today=today(), allow_remote=allow_remote, publishing=publishing
    )
    log.raise_if_errors(strict=strict)
    return volume, catalogue, log


def prepare(
    folder: Path, strict: bool = False, allow_remote: bool = False, publishing: bool = False
) -> Prepared:
    """The publication of ``folder``: a volume if it holds ``volume.yaml``, else a city.
    ``publishing``: prepared for a build, which refuses an official publication without its
    essentials (``validate`` warns of them)."""
    if is_volume(folder):
        return VolumeProfile(*prepare_volume(folder, strict, allow_remote, publishing))
    return CityProfile(*prepare_city(folder, strict, allow_remote, publishing))


class Prepared:
    """What both kinds share: the validated source, its catalogue and its warnings."""

    template: str  # the page template of an edition

    def __init__(self, source: City | Volume, catalogue: Catalogue, log: IssueLog) -> None:
        self.source = source
        self.catalogue = catalogue
        self.log = log

    @property
    def slug(self) -> str:
        return self.source.slug

    @property
    def dir(self) -> Path:
        return self.source.dir

    @property
    def languages(self) -> tuple[str, ...]:
        return self.source.languages

    def narrative_lang(self, lang: str) -> str:
        """The language of the narrative an edition in ``lang`` shows (English if none)."""
        return lang if self.source.chapters.get(lang) else "en"

    def render(self, env, view: dict, media: str, assets: dict) -> str:
        """The edition as HTML for ``media`` (``screen``: the HTML edition; ``print``: PDF)."""
        # Jinja: only when an edition is rendered
        from profiles_gen.render.environment import render_edition

        return render_edition(env, self.template, view, media, assets)


class CityProfile(Prepared):
    """One city's profile."""

    template = "profile.html"
    source: City

    @cached_property
    def score(self) -> Score:
        return score_city(self.source, self.catalogue)

    def exports(self) -> dict[str, tuple[str, str]]:
        return export.city_exports(self.source, self.score, self.catalogue)

    def data_inputs(self) -> dict[str, Path]:
        return manifest.data_inputs(self.dir)

    def edition_inputs(self, lang: str) -> dict[str, Path]:
        return manifest.edition_inputs(self.dir, lang, self.narrative_lang(lang))

    def draw(self, fmt: Formatter) -> tuple[dict, dict]:
        """The charts (by id) and the view of the edition in ``fmt``'s language."""
        from profiles_gen.charts.specs import draw_charts  # matplotlib: only when charts are drawn
        from profiles_gen.render.city import build_view

        city, catalogue, score = self.source, self.catalogue, self.score
        changes = progress(city, catalogue, score)
        charts = draw_charts(city, catalogue, score, fmt, changes)
        return charts, build_view(city, catalogue, score, fmt, charts, changes)


class VolumeProfile(Prepared):
    """Several cities in one publication: a part per member, then their comparison."""

    template = "volume.html"
    source: Volume

    @cached_property
    def score(self) -> tuple[Score, ...]:
        """One score per member, in the order of the parts."""
        return tuple(score_city(member, self.catalogue) for member in self.source.members)

    def exports(self) -> dict[str, tuple[str, str]]:
        return export.volume_exports(self.source, self.score, self.catalogue)

    def data_inputs(self) -> dict[str, Path]:
        return manifest.volume_inputs(self.dir)

    def edition_inputs(self, lang: str) -> dict[str, Path]:
        return manifest.volume_edition_inputs(self.dir, lang)

    def draw(self, fmt: Formatter) -> tuple[dict, dict]:
        """The charts of every part and of the comparison (by id), and the volume's view:
        each part is a member's ordinary view, its ids prefixed with the member's slug and
        its figures and tables numbered on from the parts before it."""
        # matplotlib: only when charts are drawn
        from profiles_gen.charts.specs import draw_charts, draw_comparison_charts

        volume, catalogue = self.source, self.catalogue
        parts, member_charts, charts = [], [], {}
        start = (0, 0)
        for n, (member, score) in enumerate(zip(volume.members, self.score, strict=True), 1):
            changes = progress(member, catalogue, score)
            prefix = f"{member.slug}-"
            drawn = draw_charts(member, catalogue, score, fmt, changes, prefix)
            part = build_view(member, catalogue, score, fmt, drawn, changes, prefix, start)
            part["part_number"] = n
            # A volume has no per-city annexes: their tables (numbered last) are left out.
            part["tab"] = {k: t for k, t in part["tab"].items() if not k.startswith("annex-")}
            start = (start[0] + len(part["fig"]), start[1] + len(part["tab"]))
            parts.append(part)
            member_charts.append(drawn)
            charts.update({c.id: c for c in drawn.values()})
        comparison = compare_cities(list(volume.members), list(self.score), volume.year_window)
        compared = draw_comparison_charts(comparison, catalogue, fmt, member_charts)
        charts[compared["cmp-dimensions"].id] = compared["cmp-dimensions"]
        return charts, build_volume_view(volume, catalogue, fmt, parts, comparison, compared)
