"""Synthetic cities for benchmarks: full KPI sets and narrative of realistic length.

``python benchmarks/synth.py OUT_DIR N`` writes N city folders (synth-01 …) to
OUT_DIR. Values are random but reproducible (seeded by the city's number), every
KPI of the catalogue is present, and each language gets chapters of a few
hundred words built from the sample city's own narrative.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from profiles_gen.data.catalogue import load_catalogue  # noqa: E402

SAMPLE = ROOT / "cities" / "tbilisi"
# Data texts in both languages, as a real city gives them (a text in one language only is
# shown in that language in the other edition, with a warning).
NOTE = {"en": "Synthetic value for benchmarks", "ru": "Синтетическое значение для тестов"}
TARGET_NOTE = {"en": "Synthetic target for benchmarks", "ru": "Синтетическое целевое значение"}
GAP = {"en": "Synthetic gap", "ru": "Синтетический пробел"}


def _measurement(rng: random.Random, kpi, direction) -> dict:
    if direction == "yes_no":
        return {"value": rng.random() < 0.6, "year": 2022, "source": NOTE, "illustrative": True}
    unit = getattr(kpi, "unit", None) or ""
    # within what the validator accepts: percentages to 100, (0–1) ratios to 1
    ceiling = 100 if unit.startswith("%") else 1 if "(0–1)" in unit else None
    value = round(rng.uniform(1, 100), 1)
    target = round(value * rng.uniform(0.6, 2.5), 1)
    if ceiling == 1:
        value, target = round(value / 100, 3), round(min(target, 100) / 100, 3)
    elif ceiling is not None:
        target = min(target, ceiling)
    return {
        "value": value,
        "year": 2022,
        "source": NOTE,
        "illustrative": True,
        "target": target,
        "target_source": TARGET_NOTE,
    }


def kpis(rng: random.Random) -> dict:
    out = {}
    for kpi in load_catalogue().kpis:
        if rng.random() < 0.08:
            out[kpi.id] = {"status": "not_reported", "reason": GAP}
        elif kpi.data_points:
            out[kpi.id] = {
                "data_points": {
                    d.id: _measurement(
                        rng, d if getattr(d, "unit", None) else kpi, d.direction or "higher"
                    )
                    for d in kpi.data_points
                }
            }
        else:
            out[kpi.id] = _measurement(rng, kpi, kpi.direction)
    return out


def write_city(out_dir: Path, n: int) -> Path:
    rng = random.Random(n)
    slug = f"synth-{n:02d}"
    city = out_dir / slug
    if city.exists():
        shutil.rmtree(city)
    # Everything of the sample but its current data (earlier evaluations stay, as in the sample).
    shutil.copytree(
        SAMPLE, city, ignore=lambda folder, names: ["kpis.yaml"] if Path(folder) == SAMPLE else []
    )
    data = yaml.safe_load((SAMPLE / "city.yaml").read_text(encoding="utf-8"))
    data["name"] = {"en": f"Synthville {n}", "ru": f"Синтвиль {n}"}
    (city / "city.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (city / "kpis.yaml").write_text(yaml.safe_dump(kpis(rng), allow_unicode=True), encoding="utf-8")
    for chapter in (city / "narrative").glob("*/*.md"):
        text = chapter.read_text(encoding="utf-8")
        head, body = text.split("---\n", 2)[1:]
        paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
        extra = "\n\n".join(rng.choice(paragraphs) for _ in range(4))
        chapter.write_text(f"---\n{head}---\n{body}\n\n{extra}\n", encoding="utf-8")
    return city


def main() -> int:
    out_dir, count = Path(sys.argv[1]), int(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        print(write_city(out_dir, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
