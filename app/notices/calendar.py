"""Counting a notice period: N working days of the official Chinese calendar, or N calendar days.

The Chinese calendar's holidays and adjusted working days (调休) are published by the State Council each
year; `chinesecalendar` keeps them as data, year by year. A day past its data is not guessed: counting
stops with `CalendarNotPublished`, naming the year, and the organizer counts calendar days instead.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

CN_WORKDAYS, CALENDAR_DAYS = "cn_workdays", "calendar"
#: A notice's length when the organizer names none, and the longest one counted (a season's notice is days,
#: not months; the bound keeps a typo from counting into years the calendar does not know).
DEFAULT_DAYS = 5
MAX_DAYS = 60


class CalendarNotPublished(Exception):
    """The official calendar of `year` is not in the library's data (not yet published, or too old)."""

    def __init__(self, year: int):
        super().__init__(f"no official calendar for {year}")
        self.year = year


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day in mainland China: a weekday that is no public holiday, or a weekend day
    made a working day to make up for one.

    >>> is_working_day(date(2025, 10, 1)), is_working_day(date(2025, 10, 11)), is_working_day(date(2025, 10, 12))
    (False, True, False)
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarNotPublished(day.year) from None


def notice_end(starts_on: date, days: int, calendar: str) -> date:
    """The last day of a notice of `days` days from `starts_on`, both included.

    With "calendar", the days are every day: 7 days from a Monday end on Sunday. With "cn_workdays", only
    working days count, the first day too when it is one; the period ends on the last one counted, so a
    notice never ends on a holiday.

    >>> notice_end(date(2025, 9, 29), 5, CN_WORKDAYS)  # National Day, and the working Saturday after it
    datetime.date(2025, 10, 11)
    >>> notice_end(date(2025, 9, 29), 5, CALENDAR_DAYS)
    datetime.date(2025, 10, 3)
    """
    if days < 1:
        raise ValueError("a notice lasts at least one day")
    if calendar == CALENDAR_DAYS:
        return starts_on + timedelta(days=days - 1)
    if calendar != CN_WORKDAYS:
        raise ValueError(f"unknown calendar {calendar!r}")
    day, counted = starts_on, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)
