"""`as_of`: the transaction time a read answers at, given as a ledger seq or an RFC 3339 timestamp."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from service.domain.errors import Invalid

MAX_SEQ = 2**63 - 1
_SEQ = re.compile(r"^[0-9]{1,19}$")
# RFC 3339 section 5.6 date-time ('T', 't' or a space between date and time); the offset is required.
_TIMESTAMP = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d{1,9}))?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})$"
)
_HINT = "as_of must be a ledger seq (e.g. 42) or an RFC 3339 timestamp with its offset (e.g. 2024-03-01T12:00:00Z)"


@dataclass(frozen=True)
class AsOfQuery:
    """What a client asked for: exactly one of `seq` and `moment` is set; `raw` is echoed back."""

    raw: str
    seq: int | None = None
    moment: datetime | None = None


def parse_as_of(raw: str) -> AsOfQuery:
    """A ledger seq (0 = before anything was recorded) or an aware timestamp (UTC), or Invalid."""
    if _SEQ.fullmatch(raw):
        seq = int(raw)
        if seq > MAX_SEQ:
            raise Invalid(f"as_of seq {raw} is beyond any ledger seq", field="as_of")
        return AsOfQuery(raw, seq=seq)
    m = _TIMESTAMP.fullmatch(raw)
    if m is None:
        raise Invalid(f"{_HINT}, got {raw!r}", field="as_of")
    # Python keeps microseconds: a finer fraction is truncated (never rounded into the next instant).
    fraction = (m.group("fraction") or "").ljust(6, "0")[:6]
    offset = "+00:00" if m.group("offset") in ("Z", "z", "-00:00") else m.group("offset")
    try:
        moment = datetime.fromisoformat(f"{m.group('date')}T{m.group('time')}.{fraction}{offset}")
    except ValueError:
        raise Invalid(f"as_of is not a real moment: {raw!r}", field="as_of") from None
    return AsOfQuery(raw, moment=moment.astimezone(UTC))
