"""The band table: the one place that holds the cut-offs of U4SSC's four bands.

A share strictly above a band's ``floor`` earns the band; the upper bound of each range
is inclusive (57.0 of a target of 60 is exactly 95 %: over two thirds, not reached).
Scoring reads it (``scoring.score`` re-exports it), and so does the validation of a
benchmark performance given in ``kpis.yaml``, which must agree with its band.
"""

from __future__ import annotations

from decimal import Decimal

BANDS: tuple[tuple[str, Decimal, int], ...] = (
    ("reached", Decimal("0.95"), 4),
    ("over_two_thirds", Decimal("0.66"), 3),
    ("one_to_two_thirds", Decimal("0.33"), 2),
    ("one_third_or_less", Decimal("-1"), 1),
)


def band_for(share: Decimal) -> str:
    """The band of an achievement (capped or not) or of a roll-up share."""
    for band, floor, _ in BANDS:
        if share > floor:
            return band
    raise AssertionError("unreachable: the last floor is below every share")
