"""A schedule's cadence as a crontab (UTC), in words, and as time slots.

A slot is one scheduled time: the delivery of a slot is recorded once (`ReportDelivery` is unique
on schedule and slot), so the slot must be computable from any moment inside it.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from reporting.models import ReportSchedule

Cadence = ReportSchedule.Cadence
# The model counts weekdays as crontab does: 0 is Sunday.
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def crontab_fields(schedule: ReportSchedule) -> dict:
    """The CrontabSchedule fields of `schedule` (minute 0 of its hour, UTC)."""
    return {
        "minute": "0",
        "hour": str(schedule.hour),
        "day_of_week": str(schedule.weekday) if schedule.cadence == Cadence.WEEKLY else "*",
        "day_of_month": str(schedule.day_of_month) if schedule.cadence == Cadence.MONTHLY else "*",
        "month_of_year": "*",
        "timezone": "UTC",
    }


def cadence_words(schedule: ReportSchedule) -> str:
    at = f"at {schedule.hour:02d}:00 UTC"
    if schedule.cadence == Cadence.DAILY:
        return f"Daily {at}"
    if schedule.cadence == Cadence.WEEKLY:
        return f"Weekly on {WEEKDAYS[schedule.weekday]} {at}"
    return f"Monthly on day {schedule.day_of_month} {at}"


def cadence_short(schedule: ReportSchedule) -> str:
    """For narrow columns: "Weekly · Mon 07:00"; the hours are UTC."""
    at = f"{schedule.hour:02d}:00"
    if schedule.cadence == Cadence.DAILY:
        return f"Daily · {at}"
    if schedule.cadence == Cadence.WEEKLY:
        return f"Weekly · {WEEKDAYS[schedule.weekday][:3]} {at}"
    return f"Monthly · day {schedule.day_of_month}, {at}"


def slot_at(schedule: ReportSchedule, now: datetime) -> datetime:
    """The latest scheduled time at or before `now` (an aware UTC datetime)."""
    base = now.replace(hour=schedule.hour, minute=0, second=0, microsecond=0)
    if schedule.cadence == Cadence.DAILY:
        return base if base <= now else base - timedelta(days=1)
    if schedule.cadence == Cadence.WEEKLY:
        today = (now.weekday() + 1) % 7  # Python counts from Monday, crontab from Sunday
        slot = base - timedelta(days=(today - schedule.weekday) % 7)
        return slot if slot <= now else slot - timedelta(days=7)
    slot = base.replace(day=schedule.day_of_month)
    return slot if slot <= now else _add_months(slot, -1)


def next_slot(schedule: ReportSchedule, now: datetime) -> datetime:
    """The first scheduled time after `now`."""
    slot = slot_at(schedule, now)
    if schedule.cadence == Cadence.DAILY:
        return slot + timedelta(days=1)
    if schedule.cadence == Cadence.WEEKLY:
        return slot + timedelta(days=7)
    return _add_months(slot, 1)


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    # Days 1 to 28 only (the form refuses others), so the day always exists; min() keeps it safe.
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
