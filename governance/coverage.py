"""Date-interval arithmetic shared by the readiness score and the gap report (inclusive days)."""

from datetime import date, timedelta

DAY = timedelta(days=1)
DASH = "\u2013"  # an en dash, as in "August-September"


def merge(intervals) -> list[tuple[date, date]]:
    """Union of inclusive (start, end) intervals, sorted; touching intervals are joined."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def uncovered(intervals, start: date, end: date) -> list[tuple[date, date]]:
    """The parts of [start, end] that no interval covers."""
    gaps, cursor = [], start
    for a, b in merge(intervals):
        if b < cursor or a > end:
            continue
        if a > cursor:
            gaps.append((cursor, a - DAY))
        cursor = max(cursor, b + DAY)
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    return gaps


def covered_days(intervals, start: date, end: date) -> int:
    total = (end - start).days + 1
    return total - sum((b - a).days + 1 for a, b in uncovered(intervals, start, end))


def describe(start: date, end: date) -> str:
    """'August-September 2026' for whole months, else '3 Aug 2026 - 14 Sep 2026' (en dashes)."""
    whole = start.day == 1 and (end + DAY).day == 1
    if whole and start.year == end.year:
        first, last = f"{start:%B}", f"{end:%B %Y}"
        return last if (start.month == end.month) else f"{first}{DASH}{last}"
    if whole:
        return f"{start:%B %Y}{DASH}{end:%B %Y}"
    return f"{start.day} {start:%b %Y} {DASH} {end.day} {end:%b %Y}"
