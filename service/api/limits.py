"""Rate limits at the HTTP boundary: one token per limited request from the client address's bucket, and
from the API key's once the key is known; 429 with Retry-After when the bucket is empty."""

from __future__ import annotations

from starlette.requests import Request

from service.domain.ratelimit import retry_after
from service.errors import Problem


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def spend(request: Request, kind: str, subject: str) -> None:
    """Take one token from the subject's bucket (`address:…` or `key:…`), or answer 429."""
    wait = request.app.state.limiter.take(kind, subject)
    if wait is None:
        return
    by = subject.split(":", 1)[0]
    request.app.state.metrics.rate_limited(kind, by)
    what = "writes" if kind == "write" else "expensive reads"
    raise Problem(429, "rate-limited",
                  f"too many {what} from this {'API key' if by == 'key' else 'address'}; "
                  f"retry in {retry_after(wait)} s", headers={"Retry-After": retry_after(wait)})
