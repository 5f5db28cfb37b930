"""The plain-text and JSON reports the commands print."""

from __future__ import annotations

from pathlib import Path

from profiles_gen.core.paths import display_path


def comparison_text(comparison, catalogue, lang: str) -> str:
    """The comparison as a plain table for the terminal: roll-ups, then every flagged KPI.

    A cell is the share of the target reached with the band's symbol after it in
    brackets (``71 % (3)``), the symbols explained below the table; a row label too
    long for its column is wrapped, never cut.
    """
    import textwrap

    from profiles_gen.i18n import vocabulary as vocab
    from profiles_gen.i18n.formatter import Formatter
    from profiles_gen.scoring.score import BAND_SYMBOLS

    fmt = Formatter(lang)
    names = [c.name.get(lang, c.name["en"]) for c in comparison.cities]
    width = max(12, *(len(n) for n in names))
    bands: set[str] = set()

    def cell(r) -> str:
        bands.add(r.band)
        symbol = f"({BAND_SYMBOLS[r.band]})"
        if r.band == "insufficient_data":  # not set side by side: too few KPIs scored
            return f"{fmt.number(r.scored)}/{fmt.number(r.items)} {symbol}".rjust(width)
        if r.share is None:
            return symbol.rjust(width)
        return f"{fmt.percent(r.share, 0, fraction=True)} {symbol}".rjust(width)

    lines = [f"{'':40}" + "".join(n.rjust(width + 2) for n in names)]

    def row(label: str, indent: str, rollups) -> None:
        wrapped = textwrap.wrap(label, 38 - len(indent), break_on_hyphens=False) or [""]
        lines.append(f"{indent + wrapped[0]:40}" + "".join("  " + cell(r) for r in rollups))
        lines.extend(f"{indent}  {more}" for more in wrapped[1:])

    for dim in catalogue.dimensions:
        row(fmt.group_name("dimension", dim), "", comparison.rollups("dimension", dim.id))
        for sub in (s for s in catalogue.subdimensions if s.parent == dim.id):
            rollups = comparison.rollups("subdimension", sub.id)
            row(fmt.group_name("subdimension", sub), "  ", rollups)
    pairs = zip(comparison.cities, comparison.scores, strict=True)
    row(fmt.gettext("Whole city"), "", [s.rollups["city"][c.slug] for c, s in pairs])
    lines.append("")
    lines += [f"({BAND_SYMBOLS[b]}) {vocab.band_label(fmt, b)}" for b in BAND_SYMBOLS if b in bands]
    if "insufficient_data" in bands:
        # Translators: compare's terminal table: a cell "3/8 (?)" means 3 of 8 scored.
        lines.append(fmt.gettext("n/m: n of m KPIs and data points scored, not compared"))
    differ = []
    for dim in catalogue.dimensions:
        for level, group in [("dimension", dim)] + [
            ("subdimension", s) for s in catalogue.subdimensions if s.parent == dim.id
        ]:
            rc = comparison.rollup_comparison(catalogue, level, group.id)
            if rc.comparable and not rc.same_kpis:
                parts = [
                    # Translators: compare's terminal table: KPIs scored in one city only.
                    fmt.gettext("only %(city)s: %(kpis)s")
                    % {"city": slug, "kpis": ", ".join(items)}
                    for slug, items in rc.only.items()
                    if items
                ]
                differ.append(f"  {fmt.group_name(level, group)}: {'; '.join(parts)}")
    if differ:
        lines.append("")
        # Translators: compare's terminal table, above the roll-ups whose KPIs differ.
        heading = fmt.ngettext(
            "%(count)s roll-up built on different KPIs:",
            "%(count)s roll-ups built on different KPIs:",
            len(differ),
        )
        lines.append(heading % {"count": fmt.number(len(differ))})
        lines += differ
    flagged = [r for r in comparison.rows if r.flags]
    lines.append("")
    # Translators: compare's terminal table, above the KPIs compared with a caveat
    # (years, targets or definitions differ).
    heading = fmt.ngettext(
        "%(count)s KPI or data point not compared like with like:",
        "%(count)s KPIs or data points not compared like with like:",
        len(flagged),
    )
    lines.append(heading % {"count": fmt.number(len(flagged))})
    for flagged_row in flagged:
        kpi = catalogue.by_id[flagged_row.kpi]
        point = flagged_row.data_point
        name = kpi.code + (f" ({fmt.data_point_name(kpi, point)})" if point else "")
        window = comparison.year_window
        reasons = "; ".join(vocab.flag_label(fmt, f, window) for f in flagged_row.flags)
        lines.append(f"  {name}: {reasons}")
    return "\n".join(lines) + "\n"


def catalogue_json(langs: list[str]) -> list[dict]:
    from profiles_gen.core.errors import IssueLog
    from profiles_gen.data.catalogue import load_catalogue
    from profiles_gen.data.targets import load_targets
    from profiles_gen.i18n.formatter import Formatter

    catalogue = load_catalogue()
    fmts = {lang: Formatter(lang) for lang in langs}
    # The default set's targets, where the catalogue's own fields used to be.
    defaults = load_targets(("default",), None, catalogue, IssueLog())

    def default(kpi_id: str, dp: str | None, field: str):
        t = defaults.get(kpi_id, dp)
        if t is None:
            return None
        return t.value if field == "target" else t.source_text("en")

    out = []
    for k in catalogue.kpis:
        out.append(
            {
                "id": k.id,
                "code": k.code,
                "dimension": k.dimension,
                "subdimension": k.subdimension,
                "category": k.category,
                "type": k.type,
                "direction": k.direction,
                "name": {lang: f.kpi_name(k) for lang, f in fmts.items()},
                "unit": {lang: f.kpi_unit(k) for lang, f in fmts.items()},
                "definition": (
                    {lang: f.kpi_definition(k) for lang, f in fmts.items()}
                    if k.definition
                    else None
                ),
                "definition_sources": list(k.definition_sources),
                "definition_confidence": k.definition_confidence,
                "sdg_targets": list(k.sdg_targets),
                "data_points": [
                    {
                        "id": d.id,
                        "name": {lang: f.data_point_name(k, d.id) for lang, f in fmts.items()},
                        "direction": d.direction,
                        "target": default(k.id, d.id, "target"),
                        "target_source": default(k.id, d.id, "target_source"),
                    }
                    for d in k.data_points
                ],
                "target": default(k.id, None, "target"),
                "target_source": default(k.id, None, "target_source"),
                "confidence": k.confidence,
                "direction_note": k.direction_note,
                "direction_source": k.direction_source,
            }
        )
    return out


def verified_editions(out_dir: Path, slug: str, langs: list[str], base: str = "en") -> str:
    """What ``verify`` compared: each edition's figures against the base language's."""
    paths = {
        "PDF": lambda lang: f"{slug}-{lang}.pdf",
        "print PDF": lambda lang: f"{slug}-{lang}-print.pdf",
        "HTML": lambda lang: f"{lang}/index.html",
    }
    built = {
        kind: [g for g in langs if (out_dir / path(g)).is_file()] for kind, path in paths.items()
    }
    compared: dict[str, list[str]] = {}
    for kind, found in built.items():
        for lang in found:
            if base in found and lang != base:
                compared.setdefault(lang, []).append(kind)
    if compared:
        pairs = ", ".join(f"{lang} ({', '.join(kinds)})" for lang, kinds in compared.items())
        return f"verified the figures of {pairs} against {base}"
    editions = [f"{lang} {kind}" for kind, found in built.items() for lang in found]
    present = {lang for found in built.values() for lang in found}
    if not editions:
        why = "no edition built"
    elif base not in present:
        why = f"no {base} edition to compare against"
    elif present == {base}:
        why = "no other language's edition to compare against"
    else:
        why = f"no other language's edition in the same format as the {base} one"
    return f"nothing compared: {why} (built: {', '.join(editions) or 'none'})"


def _in_lang(text, lang: str) -> tuple[str, str]:
    """A set's text (a note, a reason) in ``lang`` if the set gives it, else in its own
    language; and that language."""
    texts = getattr(text, "texts", None) or {"en": str(text or "")}
    own = lang if lang in texts else ("en" if "en" in texts else next(iter(texts)))
    return texts[own], own


def set_json(s, catalogue, lang: str = "en") -> dict:
    from profiles_gen.data.targets import coverage

    return {
        "set": s.name,
        "path": str(s.path),
        "title": s.title,
        "coverage": coverage(s, catalogue),
        "targets": [
            {
                "kpi": t.kpi,
                "code": catalogue.by_id[t.kpi].code,
                "data_point": t.data_point,
                "target": t.value,
                "kind": t.kind,
                "source": {"title": t.title, "url": t.url},
                "note": _in_lang(t.note, lang)[0],
                "text": t.text,
            }
            for t in s.targets.values()
        ],
        "without": [
            {"kpi": k, "data_point": dp, "reason": _in_lang(reason, lang)[0]}
            for (k, dp), reason in s.without.items()
        ],
    }


def sets_summary(sets, catalogue, fmt) -> str:
    """The sets found, one line each with how many KPIs (and KPIs and data points) it
    covers; then the rule for yes/no KPIs, which needs no set."""
    from profiles_gen.data.targets import coverage

    # Translators: targets list: the heading of the summary of every set found.
    lines = [fmt.gettext("Target sets:")]
    width = max(len(s.name) for s in sets)
    for s in sets:
        cov = coverage(s, catalogue)
        # Translators: targets list, one line per set: "52 of 91 KPIs (65 of 112 KPIs and
        # data points)".
        covered = fmt.ngettext(
            "%(n)s of %(kpis)s KPIs (%(m)s of %(items)s KPIs and data points)",
            "%(n)s of %(kpis)s KPIs (%(m)s of %(items)s KPIs and data points)",
            cov["kpis_with_target"],
        ) % {
            "n": fmt.number(cov["kpis_with_target"]),
            "kpis": fmt.number(cov["kpis"]),
            "m": fmt.number(cov["items_with_target"]),
            "items": fmt.number(cov["items"]),
        }
        lines.append(f"  {s.name:{width}}  {covered}  {s.title_in(fmt.lang)}")
    lines.append(
        # Translators: targets list: the rule that needs no set.
        fmt.gettext(
            "A yes/no KPI that no set gives a target is scored against yes; a value with no "
            "target takes its U4SSC benchmark performance from the city's workbook, if any."
        )
    )
    return "\n".join(lines) + "\n\n"


def set_text(s, catalogue, fmt) -> str:
    """A set for the terminal, in ``fmt``'s language: its coverage, each target with its
    source line, source and note, then the KPIs without a target and why."""
    from profiles_gen.data.targets import coverage
    from profiles_gen.i18n import vocabulary as vocab

    cov = coverage(s, catalogue)
    lang = fmt.lang

    def marked(text) -> str:  # a text the set gives in another language says which
        shown, own = _in_lang(text, lang)
        return shown if own == lang else f"({own}) {shown}"

    # Translators: targets list: "25 of 91 KPIs have a target (34 of 112 KPIs and data
    # points)"; the counts are formatted numbers.
    covered = fmt.ngettext(
        "%(n)s of %(kpis)s KPIs has a target (%(m)s of %(items)s KPIs and data points)",
        "%(n)s of %(kpis)s KPIs have a target (%(m)s of %(items)s KPIs and data points)",
        cov["kpis_with_target"],
    ) % {
        "n": fmt.number(cov["kpis_with_target"]),
        "kpis": fmt.number(cov["kpis"]),
        "m": fmt.number(cov["items_with_target"]),
        "items": fmt.number(cov["items"]),
    }
    # Translators: targets list: the heading of the set's targets.
    heading = fmt.gettext("Targets:")
    lines = [
        f"{s.name}: {s.title_in(lang)} ({display_path(s.path)})",
        f"  {covered}",
        "",
        f"  {heading}",
    ]
    for t in s.targets.values():
        kpi = catalogue.by_id[t.kpi]
        name = kpi.code + (f" {t.data_point}" if t.data_point else "")
        value = fmt.yes_no(True) if t.value is True else fmt.number(t.value)
        kind = vocab.target_kind(fmt, t.kind)
        lines.append(f"    {name:24} {fmt.kpi_name(kpi)[:40]:40} {value:>6}  [{kind}]")
        lines.append(f"      {t.source_text(lang)}")
        # Translators: targets list: the document that sets a target, and its address.
        source = fmt.gettext("source: %(title)s") % {"title": t.title}
        lines.append(f"      {source}" + (f" <{t.url}>" if t.url else ""))
        if t.note:
            # Translators: targets list: how the target follows from its source.
            note = fmt.gettext("note: %(note)s") % {"note": marked(t.note)}
            lines.append(f"      {note}")
    missing = list(cov["kpis_without"])
    # Translators: targets list: the heading of the KPIs (and data points) without a target.
    heading = fmt.ngettext(
        "Without a target (%(count)s KPI, and data points):",
        "Without a target (%(count)s KPIs, and data points):",
        len(missing),
    ) % {"count": fmt.number(len(missing))}
    lines += ["", f"  {heading}"]
    listed = set()
    for (kpi_id, dp), reason in s.without.items():
        kpi = catalogue.by_id[kpi_id]
        name = kpi.code + (f" {dp}" if dp else "")
        lines.append(f"    {name:24} {fmt.kpi_name(kpi)[:40]:40} {marked(reason)}")
        listed.add(kpi_id)
    for kpi_id in missing:
        if kpi_id not in listed:
            kpi = catalogue.by_id[kpi_id]
            # Translators: targets list: a KPI without a target whose set says not why.
            none = fmt.gettext("(no reason given in the set)")
            lines.append(f"    {kpi.code:24} {fmt.kpi_name(kpi)[:40]:40} {none}")
    return "\n".join(lines) + "\n\n"
