"""The workloads, in one registry. Each names the operations it needs (method and path as in openapi.yaml);
one whose operation this build does not serve (absent from the contract or from the app's routes) is
listed as "not available in this build" rather than failing, so that workloads for routes that other
work adds (units, compare, the change feed, import-git) plug in as soon as those routes exist.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import orjson
import yaml

from bench import synth
from bench.tools import Request

SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"
FIRST, LAST = date(1995, 1, 1), date(2027, 12, 31)
ZIPF_S = 1.1  # popularity of the k-th act ∝ 1/k^s, as page views of documents are


@dataclass
class Sampler:
    """Acts drawn by Zipf-skewed or uniform popularity, days at random; all from one seed."""

    size: int
    seed: int
    zipf: bool
    rng: random.Random

    def act(self) -> int:
        if self.zipf:
            return self.rng.choices(range(self.size), cum_weights=_zipf_weights(self.size))[0]
        return self.rng.randrange(self.size)

    def day(self) -> date:
        return FIRST + timedelta(days=self.rng.randrange((LAST - FIRST).days))

    def lang(self, index: int) -> str:
        return self.rng.choice(_act(index, self.seed).languages)


@cache
def _zipf_weights(size: int) -> list[float]:
    # Rank k is act k: synthetic acts are independent draws, so the first ids are as typical as any.
    return list(itertools.accumulate(1.0 / (k + 1) ** ZIPF_S for k in range(size)))


@cache
def _act(index: int, seed: int) -> synth.Act:
    return synth.act_only(index, seed)


def act_id(s: Sampler, index: int) -> str:
    return synth.act_id_of(index, s.seed)


Builder = Callable[[Sampler, int], list[Request]]


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    needs: tuple[tuple[str, str], ...]  # (method, path template in openapi.yaml)
    build: Builder | None  # None: defined by the issue, to be written when its route exists
    writes: bool = False
    point_in_time_json: bool = False  # measured against the HTTP ceiling
    entries_per_request: int = 0  # feed pages: entries/s is requests/s times this


def _text(s: Sampler, n: int, fmt: str = "") -> list[Request]:
    out = []
    for _ in range(n):
        i = s.act()
        out.append(Request("GET", f"/v1/acts/{act_id(s, i)}/text?date={s.day()}&lang={s.lang(i)}{fmt}"))
    return out


def _status(s: Sampler, n: int) -> list[Request]:
    return [Request("GET", f"/v1/acts/{act_id(s, s.act())}/status?date={s.day()}") for _ in range(n)]


def _meta(s: Sampler, n: int) -> list[Request]:
    return [Request("GET", f"/v1/acts/{act_id(s, s.act())}") for _ in range(n)]


def _list(s: Sampler, n: int) -> list[Request]:
    statuses = ("in_force", "repealed", "not_yet_in_force")
    return [Request("GET", f"/v1/acts?status={s.rng.choice(statuses)}&date={s.day()}&limit=20") for _ in range(n)]


def _akn(s: Sampler, n: int) -> list[Request]:
    out = []
    for _ in range(n):
        i = s.act()
        a = _act(i, s.seed)
        lang = {"kk": "kaz", "ru": "rus"}[s.lang(i)]
        out.append(Request("GET", f"{a.akn_uri}/{lang}:{s.day()}"))
    return out


BATCH_ITEMS = 20


def _batch(s: Sampler, n: int) -> list[Request]:
    out = []
    for _ in range(n):
        items = []
        for _ in range(BATCH_ITEMS):
            i = s.act()
            items.append({"act": act_id(s, i), "date": s.day().isoformat(), "lang": s.lang(i)})
        out.append(Request("POST", "/v1/batch/text", orjson.dumps({"items": items}).decode()))
    return out


@cache
def _plan(index: int, size: int, seed: int) -> synth.ActPlan:
    return synth.plan_act(index, size, seed)


def _day_with_text(s: Sampler, plan: synth.ActPlan) -> date:
    """A day from the act's first edition on (a unit or a comparison needs a text to read)."""
    first = plan.editions[0][0]
    return first + timedelta(days=s.rng.randrange(max((LAST - first).days, 1)))


def _unit(s: Sampler, n: int) -> list[Request]:
    out = []
    for _ in range(n):
        i = s.act()
        plan = _plan(i, s.size, s.seed)
        lang = s.lang(i)
        units = plan.editions[0][2][lang]
        unit = s.rng.choice(units).wid  # a unit of the original text: it has a version on every later day
        out.append(Request("GET", f"/v1/acts/{act_id(s, i)}/units/{unit}?date={_day_with_text(s, plan)}&lang={lang}"))
    return out


def _compare(s: Sampler, n: int) -> list[Request]:
    out = []
    for _ in range(n):
        i = s.act()
        plan = _plan(i, s.size, s.seed)
        a, b = sorted((_day_with_text(s, plan), _day_with_text(s, plan)))
        out.append(Request("GET", f"/v1/acts/{act_id(s, i)}/compare?from={a}&to={b}&lang={s.lang(i)}"))
    return out


FEED_PAGE = 500


def _changes(s: Sampler, n: int) -> list[Request]:
    """Full pages of the feed from random points: every act is at least two entries, so a page that starts
    before entry `size` is full."""
    return [Request("GET", f"/v1/changes?after={s.rng.randrange(max(s.size - FEED_PAGE, 1))}&limit={FEED_PAGE}")
            for _ in range(n)]


def _mixed(s: Sampler, n: int) -> list[Request]:
    """90% point-in-time reads, 10% writes (a citation between two acts: a ledger entry, projections,
    and the cited acts' cached answers invalidated)."""
    out = []
    for k in range(n):
        if k % 10 == 9:
            body = {"type": "cites", "source_act": act_id(s, s.act()), "target_act": act_id(s, s.act()),
                    "note": "benchmark write"}
            out.append(Request("POST", "/v1/relations", orjson.dumps(body).decode()))
        else:
            out.extend(_text(s, 1))
    return out


WORKLOADS: tuple[Workload, ...] = (
    Workload("text_json", "point-in-time text, JSON", (("get", "/v1/acts/{act_id}/text"),), _text,
             point_in_time_json=True),
    Workload("text_plain", "point-in-time text, text/plain", (("get", "/v1/acts/{act_id}/text"),),
             lambda s, n: _text(s, n, "&format=text")),
    Workload("status", "status at a date", (("get", "/v1/acts/{act_id}/status"),), _status),
    Workload("act", "act metadata", (("get", "/v1/acts/{act_id}"),), _meta),
    Workload("list_status", "list with a status filter (20 a page)", (("get", "/v1/acts"),), _list),
    Workload("akn", "AKN address `…/rus:DATE`", (("get", "/akn/{path}"),), _akn),
    Workload("batch_text", f"batch of {BATCH_ITEMS} (act, date, lang) lookups", (("post", "/v1/batch/text"),),
             _batch),
    Workload("mixed", "90% text reads / 10% writes", (("get", "/v1/acts/{act_id}/text"), ("post", "/v1/relations")),
             _mixed, writes=True),
    Workload("unit", "unit at a date", (("get", "/v1/acts/{act_id}/units/{unit_id}"),), _unit),
    Workload("compare", "compare between two dates", (("get", "/v1/acts/{act_id}/compare"),), _compare),
    Workload("changes", f"change feed pages of {FEED_PAGE} entries (a mirror catching up)",
             (("get", "/v1/changes"),), _changes, entries_per_request=FEED_PAGE),
    # Measured by the runner as whole catch-ups (feed with texts by hash vs snapshot), not by wrk.
    Workload("snapshot", "mirror start from a snapshot", (("get", "/v1/snapshot"), ("get", "/v1/changes"),
                                                           ("post", "/v1/texts/batch")), None),
    Workload("import_git", "legalize import vs `git log -p --reverse`", (("cli", "lextime import-git"),), None),
)


@cache
def contract_operations() -> frozenset[tuple[str, str]]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return frozenset((m, p) for p, item in spec.get("paths", {}).items() for m in item
                     if m in ("get", "post", "put", "delete", "patch"))


def served_operations() -> frozenset[tuple[str, str]]:
    import re

    from service.app import ROUTES

    return frozenset((m.lower(), re.sub(r"\{(\w+)(?::\w+)?\}", r"{\1}", r.path))
                     for r in ROUTES for m in (getattr(r, "methods", None) or ()) if m != "HEAD")


def cli_commands() -> frozenset[str]:
    from service.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return frozenset(f"lextime {name}" for name in sub.choices)  # type: ignore[attr-defined]


def unavailable(w: Workload) -> str | None:
    """Why the workload cannot run in this build, or None when it can."""
    for method, path in w.needs:
        if method == "cli":
            if path not in cli_commands():
                return f"not available in this build: `{path}` is not a command"
        elif (method, path) not in contract_operations() or (method, path) not in served_operations():
            return f"not available in this build: {method.upper()} {path} is not served"
    if w.build is None and w.name not in ("snapshot", "import_git"):  # those two are measured as a whole
        return "not available in this build: the workload is written when its route exists"
    return None
