"""The judge statistics chart: one box plot per judge, drawn as inline SVG (no script, nothing loaded).

Judges are ordered from the most severe to the most lenient, so that both ends stand out at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.results.store import StoredJudgeStats

LABEL_WIDTH = 140
PLOT_WIDTH = 560
ROW_HEIGHT = 18
TOP = 24
#: Severity (mean deviation from the consensus) beyond which a judge's row is marked severe or lenient.
MARKED_SEVERITY = Decimal(3)


@dataclass
class BoxRow:
    judge_id: int
    label: str
    y: float
    low: float
    q1: float
    median: float
    q3: float
    high: float
    mean: float
    mark: str  # "severe", "lenient" or ""


@dataclass
class BoxChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    rows: list[BoxRow]
    ticks: list[tuple[float, str]]


def box_plots(stats: Sequence[StoredJudgeStats], names: Mapping[int, str], *, scale_max: Decimal) -> BoxChart:
    """Each judge's five-number summary on the sheet's scale (0 to `scale_max`)."""
    scale = float(scale_max) or 100.0

    def x(value: float) -> float:
        return round(LABEL_WIDTH + PLOT_WIDTH * min(max(value / scale, 0.0), 1.0), 1)

    rows = []
    ordered = sorted(stats, key=lambda stat: (stat.severity, stat.judge_id))
    for index, stat in enumerate(ordered):
        low, q1, median, q3, high = stat.box
        mark = "severe" if stat.severity <= -MARKED_SEVERITY else "lenient" if stat.severity >= MARKED_SEVERITY else ""
        rows.append(
            BoxRow(
                judge_id=stat.judge_id,
                label=names.get(stat.judge_id, str(stat.judge_id)),
                y=TOP + index * ROW_HEIGHT,
                low=x(low),
                q1=x(q1),
                median=x(median),
                q3=x(q3),
                high=x(high),
                mean=x(float(stat.mean)),
                mark=mark,
            )
        )
    ticks = [(x(scale * step / 5), f"{scale * step / 5:g}") for step in range(6)]
    return BoxChart(
        width=LABEL_WIDTH + PLOT_WIDTH + 20,
        height=TOP + ROW_HEIGHT * max(len(rows), 1) + 10,
        plot_left=LABEL_WIDTH,
        plot_right=LABEL_WIDTH + PLOT_WIDTH,
        rows=rows,
        ticks=ticks,
    )
