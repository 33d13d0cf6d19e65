"""A page-ready chart of the Convention's progress towards entry into force (Art 65).

Signatures and counted instruments over time, against the threshold of forty instruments, with
the date of entry into force marked once it is known. A signature whose day is not known
exactly is drawn as a band between "certainly signed by then" and "possibly signed by then",
never at an invented day.

matplotlib is imported inside :func:`render_chart` only, with the Agg canvas (no display), so
importing the registry stays light. The output format follows the file suffix: ``.png`` or
``.svg``. Output is reproducible: no timestamps in the metadata, fixed SVG ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from comity.errors import ValidationFailed
from comity.registry.actions import ActionKind, TreatyAction
from comity.registry.entry_into_force import (
    UNCC_ART_65,
    EntryIntoForceRule,
    counted_instruments,
    general_entry_into_force,
    known_on,
)

__all__ = ["ChartSeries", "chart_series", "render_chart"]

_FORMATS = {".png": "png", ".svg": "svg"}

ChartSeries = tuple[list[date], list[int], list[int], list[int]]


def chart_series(
    actions: Iterable[TreatyAction],
    as_of: date,
    rule: EntryIntoForceRule = UNCC_ART_65,
) -> ChartSeries:
    """The days on which a count changes (up to ``as_of``) and, for each, the signatures
    certainly made, the signatures possibly made, and the instruments counted by then."""
    everything = tuple(actions)
    signatures = [a for a in everything if a.action is ActionKind.SIGNATURE]
    counted = counted_instruments(known_on(everything, as_of), rule)
    days = {a.on for a in counted}
    for a in signatures:
        days.update(d for d in (a.date.earliest, a.date.latest) if d is not None)
    days = {d for d in days if d <= as_of}
    start = min(days, default=as_of)
    days |= {start - timedelta(days=1), as_of}
    ordered = sorted(days)
    surely = [sum(1 for a in signatures if a.date.surely_on_or_before(d)) for d in ordered]
    possibly = [sum(1 for a in signatures if a.date.possibly_on_or_before(d)) for d in ordered]
    instruments = [sum(1 for a in counted if a.on <= d) for d in ordered]
    return ordered, surely, possibly, instruments


def render_chart(
    actions: Iterable[TreatyAction],
    path: Path,
    as_of: date,
    rule: EntryIntoForceRule = UNCC_ART_65,
    *,
    title: str = "UN Convention against Cybercrime: signatures and instruments",
) -> Path:
    """Draw the chart into ``path`` (PNG or SVG by suffix) and return the path.

    Raises :class:`comity.errors.ValidationFailed` for another suffix.
    """
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValidationFailed(f"cannot draw {path.name}: the file name must end in .png or .svg")
    import matplotlib  # lazily: importing the registry stays light

    matplotlib.use("Agg", force=True)
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    everything = tuple(actions)
    days, surely, possibly, instruments = chart_series(everything, as_of, rule)
    x = [float(date2num(d)) for d in days]  # type: ignore[no-untyped-call]
    general = general_entry_into_force(known_on(everything, as_of), rule)

    with matplotlib.rc_context({"svg.hashsalt": "comity-registry", "font.size": 9}):
        figure = Figure(figsize=(8, 4.5), dpi=150, layout="constrained")
        axes = figure.add_subplot()
        axes.step(x, surely, where="post", color="#1f4e79", label="signatures (certain)")
        if possibly != surely:
            axes.fill_between(
                x,
                surely,
                possibly,
                step="post",
                color="#1f4e79",
                alpha=0.2,
                label="signatures (day not known)",
            )
        axes.step(x, instruments, where="post", color="#b03a2e", label="instruments counted")
        axes.axhline(
            rule.threshold,
            color="#555555",
            linestyle="--",
            linewidth=1,
            label=f"threshold: {rule.threshold} instruments (Art 65(1))",
        )
        if general is not None:
            axes.axvline(
                float(date2num(general)),  # type: ignore[no-untyped-call]
                color="#2e7d32",
                linewidth=1.5,
                label=f"entry into force: {general.isoformat()}",
            )
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        axes.set_ylim(bottom=0, top=max([rule.threshold, *possibly]) * 1.1)
        axes.set_ylabel("count")
        axes.set_title(f"{title}\nas of {as_of.isoformat()}")
        axes.grid(True, linewidth=0.3)
        axes.legend(loc="upper left", fontsize=8)
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(path, format=fmt, metadata=metadata)
    return path
