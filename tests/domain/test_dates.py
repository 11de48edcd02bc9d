"""Calendar days (service/domain/dates.py): strict parsing, "today" in Asia/Almaty, day arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.dates import ONE_DAY, day_before, iso, optional_date, parse_date, today_in
from service.domain.errors import Invalid


@given(st.dates())
def test_parse_date_round_trips_every_calendar_day(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert optional_date(day.isoformat(), field="x") == day
    assert iso(day) == day.isoformat()


@pytest.mark.parametrize("value", [
    "", "2020", "2020-1-01", "2020-01-1", "20200101", "2020/01/01", "01.01.2020", "2020-01-01T00:00",
    " 2020-01-01", "2020-01-01 ", "2020-01-01\n", "\n2020-01-01", "+2020-01-01", "-2020-01-01", "2020-W01-1",
    "２０２０-０１-０１",  # full-width digits
    "٢٠٢٠-٠١-٠١",  # Arabic-Indic digits
    "2020-01-01Z", "12020-01-01", "yyyy-mm-dd",
])
def test_parse_date_rejects_anything_but_yyyy_mm_dd(value: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_date(value, field="query.date")
    assert caught.value.extra == {"field": "query.date"}
    assert "YYYY-MM-DD" in caught.value.detail


@pytest.mark.parametrize("value", ["2020-02-30", "2019-02-29", "2020-13-01", "2020-00-10", "2020-04-31",
                                   "0000-01-01"])
def test_parse_date_rejects_days_not_in_the_calendar(value: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_date(value)
    assert "not a real calendar date" in caught.value.detail
    assert caught.value.extra == {"field": "date"}


def test_parse_date_accepts_leap_days_and_calendar_ends() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2000-02-29") == date(2000, 2, 29)
    assert parse_date("0001-01-01") == date.min
    assert parse_date("9999-12-31") == date.max


@given(st.text(max_size=12))
def test_parse_date_accepts_only_what_isoformat_produces(value: str) -> None:
    try:
        day = parse_date(value)
    except Invalid:
        return
    assert day.isoformat() == value


def test_optional_date() -> None:
    assert optional_date(None, field="x") is None
    for bad in (20200101, 2020.0, ["2020-01-01"], {"d": 1}, True):
        with pytest.raises(Invalid) as caught:
            optional_date(bad, field="body.ends_on")
        assert caught.value.extra == {"field": "body.ends_on"}
    with pytest.raises(Invalid):
        optional_date("2020-02-30", field="x")


def test_parse_date_rejects_non_strings() -> None:
    with pytest.raises(Invalid):
        parse_date(None)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        parse_date(date(2020, 1, 1))  # type: ignore[arg-type]


def test_iso_of_none() -> None:
    assert iso(None) is None


@given(st.dates(min_value=date.min + ONE_DAY))
def test_day_before(day: date) -> None:
    assert day_before(day) == day - timedelta(days=1)
    assert day_before(day) + ONE_DAY == day


def test_day_before_the_first_day_does_not_overflow() -> None:
    assert day_before(date.min) == date.min


# Asia/Almaty was UTC+6 until 2024-03-01 00:00 local (2024-02-29 18:00 UTC), UTC+5 since.
@pytest.mark.parametrize(("utc", "day"), [
    (datetime(2024, 2, 28, 17, 59, tzinfo=UTC), date(2024, 2, 28)),
    (datetime(2024, 2, 28, 18, 0, tzinfo=UTC), date(2024, 2, 29)),  # +06: midnight
    (datetime(2024, 2, 29, 17, 59, tzinfo=UTC), date(2024, 2, 29)),  # +06: 23:59
    (datetime(2024, 2, 29, 18, 30, tzinfo=UTC), date(2024, 2, 29)),  # +05 now: 23:30 of the 29th again
    (datetime(2024, 2, 29, 19, 0, tzinfo=UTC), date(2024, 3, 1)),   # +05: midnight
    (datetime(2024, 3, 1, 18, 59, tzinfo=UTC), date(2024, 3, 1)),
    (datetime(2024, 3, 1, 19, 0, tzinfo=UTC), date(2024, 3, 2)),
    (datetime(2015, 12, 27, 18, 0, tzinfo=UTC), date(2015, 12, 28)),  # Decree 148 signed, at +06
    (datetime(2022, 9, 14, 18, 0, tzinfo=UTC), date(2022, 9, 15)),
])
def test_today_in_kazakhstan_follows_asia_almaty(utc: datetime, day: date) -> None:
    assert today_in("kz", now=utc) == day


def test_today_does_not_depend_on_the_zone_the_moment_is_given_in() -> None:
    moment = datetime(2024, 2, 29, 19, 30, tzinfo=UTC)
    for tz in (timezone(timedelta(hours=-10)), timezone(timedelta(hours=9)), UTC):
        assert today_in("kz", now=moment.astimezone(tz)) == date(2024, 3, 1)


def test_today_falls_back_to_utc_for_unknown_jurisdictions() -> None:
    assert today_in("xx", now=datetime(2024, 2, 29, 23, 30, tzinfo=UTC)) == date(2024, 2, 29)
    assert today_in("xx", now=datetime(2024, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=5)))) == date(2024, 2, 29)


def test_today_without_a_moment_is_a_date() -> None:
    assert isinstance(today_in("kz"), date)
