"""Calendar days: strict parsing, and "today" in an act's jurisdiction."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from service.domain.errors import Invalid

# Jurisdictions whose "today" Lextime knows; Kazakhstan's is Asia/Almaty (UTC+5 since 2024-03-01).
JURISDICTION_ZONES: dict[str, str] = {"kz": "Asia/Almaty"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only; used with fullmatch
ONE_DAY = timedelta(days=1)


def parse_date(value: str, *, field: str = "date") -> date:
    """A strict YYYY-MM-DD calendar date, or Invalid naming the field."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise Invalid(f"{field} must be a date in the form YYYY-MM-DD, got {value!r}", field=field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{field} is not a real calendar date: {value!r}", field=field) from None


def optional_date(value: object, *, field: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a date string or null", field=field)
    return parse_date(value, field=field)


def today_in(jurisdiction: str, *, now: datetime | None = None) -> date:
    """The calendar day it is now in the jurisdiction (UTC where the jurisdiction has no zone on record)."""
    zone = ZoneInfo(JURISDICTION_ZONES.get(jurisdiction, "UTC"))
    moment = now if now is not None else datetime.now(tz=zone)
    return moment.astimezone(zone).date()


def day_before(day: date) -> date:
    """The day before; 0001-01-01 (which the API accepts) has none and stays itself rather than overflow."""
    return day - ONE_DAY if day > date.min else day


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
