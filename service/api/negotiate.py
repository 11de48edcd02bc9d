"""Content negotiation by `Accept` (RFC 9110 §12.5.1), for the routes that offer more than one media type."""

from __future__ import annotations

from service.errors import Problem


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their weights; a range with a malformed weight is left out."""
    out: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = -1.0
        if media and 0 <= weight <= 1:
            out.append((media.lower(), weight))
    return out


def _weight(offered: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The weight the most specific matching range gives `offered`, and that specificity (2 exact, 1
    `type/*`, 0 `*/*`; -1 when no range matches)."""
    kind = offered.split("/")[0]
    best = (0.0, -1)
    for media, weight in ranges:
        specificity = 2 if media == offered else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if specificity > best[1]:
            best = (weight, specificity)
    return best


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str:
    """The media type to answer with: the first offered (the default) without an Accept header; else the
    offered type the client weighs highest, one it names exactly before one a wildcard admits, then the
    order offered. None acceptable: `406 not-acceptable`."""
    if accept is None or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    scored = [(*_weight(media, ranges), -i, media) for i, media in enumerate(offered)]
    weight, specificity, _, media = max(scored)
    if weight <= 0 or specificity < 0:
        raise Problem(406, "not-acceptable", f"this resource is available as {' or '.join(offered)} only, not "
                      f"{accept.strip()[:200]!r}", accepted=list(offered))
    return media
