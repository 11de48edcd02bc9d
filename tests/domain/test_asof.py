"""`as_of` parsing: every RFC 3339 date-time with an offset, and every seq, is read exactly; anything else
is refused naming the parameter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.asof import MAX_SEQ, parse_as_of
from service.domain.errors import Invalid

offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets)


def rfc3339(moment: datetime, *, sep: str, fraction: bool) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    base = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{sep}"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
    base += f".{moment.microsecond:06d}" if fraction else ""
    return base + zone


@given(moments, st.sampled_from(["T", "t", " "]))
def test_a_timestamp_is_the_same_instant(moment: datetime, sep: str) -> None:
    parsed = parse_as_of(rfc3339(moment, sep=sep, fraction=True))
    assert parsed.seq is None and parsed.moment == moment and parsed.moment.tzinfo == UTC


@given(moments)
def test_without_fraction_seconds_are_whole(moment: datetime) -> None:
    parsed = parse_as_of(rfc3339(moment, sep="T", fraction=False))
    assert parsed.moment == moment.replace(microsecond=0)


@given(st.integers(min_value=0, max_value=MAX_SEQ))
def test_a_seq(seq: int) -> None:
    assert parse_as_of(str(seq)).seq == seq


def test_finer_than_microseconds_is_truncated_and_z_is_utc() -> None:
    assert parse_as_of("2024-03-01T12:00:00.1234569Z").moment == datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert parse_as_of("2024-03-01T12:00:00-00:00").moment == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert parse_as_of("2024-03-01T17:00:00+05:00").moment == datetime(2024, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["", " 1", "1 ", "+1", "-1", "1e3", "0x10", str(MAX_SEQ + 1), "2024-03-01",
                                 "2024-03-01T12:00:00", "2024-03-01T12:00Z", "2024-02-30T00:00:00Z",
                                 "2024-03-01T25:00:00Z", "2024-03-01T12:00:60Z", "2024-03-01T12:00:00+24:00",
                                 "2024-03-01T12:00:00.Z", "now", "２０２４-03-01T12:00:00Z", "2024-03-01T12:00:00Z\n"])
def test_junk_is_refused(raw: str) -> None:
    with pytest.raises(Invalid) as info:
        parse_as_of(raw)
    assert info.value.extra["field"] == "as_of"


@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_never_a_crash(raw: str) -> None:
    try:
        parsed = parse_as_of(raw)
    except Invalid:
        return
    assert (parsed.seq is None) != (parsed.moment is None)
