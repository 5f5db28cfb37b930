"""The outline of an edition: chapter ids and titles, annex numbers."""

from __future__ import annotations

from profiles_gen.i18n.formatter import Formatter
from profiles_gen.scoring.compare import Progress

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def annexes_view(fmt: Formatter, annexes: list[tuple[str, str]]) -> dict[str, dict]:
    """The annexes of a publication, numbered in order, from one list: id -> {id, number,
    title, heading}; the headings, the contents (and so the PDF's bookmarks) and every
    reference to an annex read their number and title here."""
    view = {}
    for n, (aid, title) in enumerate(annexes):
        heading = fmt.gettext("Annex %(number)s. %(title)s") % {"number": ROMAN[n], "title": title}
        view[aid] = {"id": aid, "number": ROMAN[n], "title": title, "heading": heading}
    return view


# The ids of the edition's landmarks, shared by the templates (``ids`` in every template),
# the PDF's page labels (publish.pdf) and the stylesheets: defined here only.
PAGE_IDS = {
    "title_page": "title-page",  # the first page after the cover: roman numbering starts
    "back_cover": "back-cover",  # the last page: labelled "Back cover"
}


SECTION_IDS = {
    "introduction": "ch-introduction",
    "evaluation": "ch-evaluation",
    "sdgs": "ch-sdgs",
    "progress": "ch-progress",
    "recommendations": "ch-recommendations",
    "comparison": "ch-comparison",
}


def sections_view(
    fmt: Formatter,
    progress: Progress | None = None,
    prefix: str = "",
    recommendations: bool = True,
) -> dict:
    """The fixed chapters of a city, each ``{id, title}``: read by their headings and by the
    contents (and so by the PDF's bookmarks); a dimension's results are in ``dimensions``.
    No "Recommendations" where the city has none: never an empty chapter."""
    titles = {
        "introduction": fmt.gettext("Introduction"),
        "evaluation": fmt.gettext("Evaluation against the KPIs for smart sustainable cities"),
        "sdgs": fmt.gettext("Results by Sustainable Development Goal"),
    }
    if recommendations:
        titles["recommendations"] = fmt.gettext("Recommendations")
    if progress is not None:
        titles["progress"] = fmt.gettext("Progress since %(then)s") % {
            "then": progress.previous_year
        }
    return section_entries(titles, prefix)


def section_entries(titles: dict[str, str], prefix: str = "") -> dict[str, dict]:
    return {key: {"id": f"{prefix}{SECTION_IDS[key]}", "title": t} for key, t in titles.items()}


def dimension_title(fmt: Formatter, dim) -> str:
    """The title of a dimension's results: its chapter and its table of KPIs."""
    return fmt.gettext("%(dimension)s dimension – KPI evaluation results") % {
        "dimension": fmt.group_name("dimension", dim)
    }
