"""One benchmark run: corpus, ceilings, workloads, targets; the result as a plain dict (JSON-ready)."""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import corpus, dbceiling, legalize, plans, servers, snapshot_load, tools
from bench import workloads as wl
from service.domain.exchange import Lines
from service.store.keys import create_key

INDIGO_RPS = 48.0
# A warm-up sends each worker about this many times the measured requests, in at most this many load runs.
WARM_PASSES, WARM_RUNS = 3, 8
# A text a ledger entry references, as the feed's JSON carries it: a `sha256` member (at any depth) holding
# a content address. JSON escapes every quote inside a string, so this never matches inside one.
FETCHERS = 4  # a mirror's requests in flight at once while following the feed
RECENT_WRITES = 100  # writes between the kept snapshots and a mirror that asks for a recent one
_TEXT_REFERENCE = re.compile(rb'"sha256":\s*"([0-9a-f]{64})"')
SHARED_SAMPLE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "legalize" / \
    "legalize-pe-sample.bundle"


@dataclass(frozen=True)
class Options:
    size: int
    growth_sizes: tuple[int, ...]
    workers: int
    connections: int
    seconds: float
    fixed_seconds: float
    runs: int
    seed: int
    fresh: bool
    only: tuple[str, ...]
    legalize_commits: int
    legalize_repos: tuple[Path, ...]
    quick: bool
    logs: Path


class Runner:
    def __init__(self, server_dsn: str, options: Options, console: Console) -> None:
        self.server_dsn = server_dsn
        self.o = options
        self.console = console
        self.result: dict[str, Any] = {"options": {k: (str(v) if isinstance(v, Path) else v)
                                                   for k, v in asdict(options).items()}}

    def say(self, text: str) -> None:
        self.console.print(text)

    # ---- corpus -------------------------------------------------------------------------------------------

    def build_corpus(self, size: int) -> corpus.Corpus:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=self.console, transient=True) as bar:
            task = bar.add_task(f"corpus {corpus.size_label(size)} acts (2 passes)", total=size * 2)
            c = asyncio.run(corpus.ensure(self.server_dsn, size, self.o.seed, fresh=self.o.fresh,
                                          progress=lambda n: bar.advance(task, n)))
        how = "reused" if c.reused else f"loaded in {c.load_seconds:.0f} s"
        if c.written_since_loaded:
            how += f" again ({c.written_since_loaded:,} entries had been written to it since it was loaded)"
        self.say(f"corpus {c.name}: {c.entries:,} ledger entries, {how}")
        return c

    async def _corpus_facts(self, c: corpus.Corpus) -> dict[str, Any]:
        conn = await asyncpg.connect(c.dsn)
        try:
            broken = await corpus.chain_check(conn)
            counts = await corpus.sizes(conn)
            tables = counts.pop("tables")
            sample = self.lookups(min(c.size, 1000), 40, random.Random(7), zipf=False)
            buffers = await plans.lookup_buffers(conn, sample)
        finally:
            await conn.close()
        return {"name": c.name, "acts": c.size, "entries": c.entries, "reused": c.reused,
                "load_seconds": c.load_seconds, "chain": broken or "verified", **counts,
                "bytes_per_act": round(counts["bytes"] / max(counts["acts"], 1)),
                "bytes_per_edition": round(counts["bytes"] / max(counts["editions"], 1)),
                "per_act": corpus.per_act(tables, counts["acts"]),
                "buffers_per_lookup": buffers["median_buffers"], "scans": buffers["scans"]}

    def lookups(self, size: int, n: int, rng: random.Random, *, zipf: bool) -> list[tuple[str, date, str]]:
        s = wl.Sampler(size, self.o.seed, zipf, rng)
        out = []
        for _ in range(n):
            i = s.act()
            out.append((wl.act_id(s, i), s.day(), s.lang(i)))
        return out

    # ---- load ---------------------------------------------------------------------------------------------

    def peak(self, base: str, requests: list[tools.Request], headers: dict[str, str] | None = None
             ) -> dict[str, Any]:
        runs = [tools.wrk(base, requests, seconds=self.o.seconds, connections=self.o.connections, threads=2,
                          headers=headers) for _ in range(self.o.runs)]
        return {"rps": round(statistics.median(r.rps for r in runs), 1),
                "p50_ms": round(statistics.median(r.p50_ms for r in runs), 2),
                "p99_ms": round(statistics.median(r.p99_ms for r in runs), 2),
                "errors": sum(r.errors for r in runs), "requests": sum(r.requests for r in runs),
                "runs_rps": [round(r.rps, 1) for r in runs]}

    def fixed(self, base: str, paths: list[str], rate: float) -> dict[str, Any]:
        runs = [tools.open_loop(base, paths, rate=rate, seconds=self.o.fixed_seconds) for _ in range(self.o.runs)]
        return {"rate": round(rate, 1),
                "achieved_rps": round(statistics.median(r.achieved_rps for r in runs), 1),
                "p50_ms": round(statistics.median(r.p50_ms for r in runs), 2),
                "p90_ms": round(statistics.median(r.p90_ms for r in runs), 2),
                "p99_ms": round(statistics.median(r.p99_ms for r in runs), 2),
                "lag_p99_ms": round(max(r.lag_p99_ms for r in runs), 2),
                "errors": sum(r.errors for r in runs), "requests": sum(r.requests for r in runs)}

    def h2load_cross_check(self, base: str, paths: list[str], rate: float) -> dict[str, Any]:
        """`h2load -r` at the same rate on the hottest path, a new connection per request."""
        hot = max(set(paths[:2000]), key=paths[:2000].count)
        h = tools.h2load_rate(base, hot, rate=rate, seconds=self.o.fixed_seconds)
        return {"path": hot, "achieved_rps": round(h.achieved_rps, 1), "p50_ms": round(h.p50_ms, 2),
                "p99_ms": round(h.p99_ms, 2), "errors": h.errors}

    def requests(self, w: wl.Workload, size: int, *, zipf: bool, seed: int, n: int = 4000) -> list[tools.Request]:
        return w.build(wl.Sampler(size, self.o.seed, zipf, random.Random(seed)), n)  # type: ignore[misc]

    def warm(self, base: str, requests: list[tools.Request], headers: dict[str, str] | None = None) -> None:
        """Load runs over the same requests whose results are thrown away, until each worker has been sent
        about three times the list (at most `WARM_RUNS` runs): the worker caches (and the database's
        buffers) then hold what the measured runs will ask for. One run of `--seconds` was not enough: at
        the rate of misses a worker saw under half of the 4,000 requests, so *warm* measured misses."""
        sent = 0
        for _ in range(WARM_RUNS if requests else 0):
            sent += tools.wrk(base, requests, seconds=self.o.seconds, connections=self.o.connections, threads=2,
                              headers=headers).requests
            if sent >= WARM_PASSES * self.o.workers * len(requests):
                break

    def answer_bytes(self, base: str, requests: list[tools.Request]) -> int:
        with httpx.Client(base_url=base, timeout=30) as client:
            sizes = [len(client.get(r.path).content) for r in requests[:200]]
        return int(statistics.median(sizes))

    # ---- the parts of a run -------------------------------------------------------------------------------

    def main(self) -> dict[str, Any]:
        c = self.build_corpus(self.o.size)
        self.result["corpus"] = asyncio.run(self._corpus_facts(c))
        self.say(f"chain: {self.result['corpus']['chain']}; {self.result['corpus']['bytes_per_act']:,} bytes per act")
        key = asyncio.run(create_key(c.dsn, name=f"bench-{int(time.time() * 1000)}"))
        auth = {"Authorization": f"Bearer {key}"}
        text = next(w for w in wl.WORKLOADS if w.name == "text_json")
        zipf_requests = self.requests(text, c.size, zipf=True, seed=11)
        with servers.lextime(c.dsn, workers=self.o.workers, log=self.o.logs / "lextime.log") as server:
            body = self.answer_bytes(server.base_url, zipf_requests)
        self.result["answer_bytes"] = body
        self.http_ceiling(body)
        self.workloads(c, auth)
        self.db_ceiling(c)
        self.history_ceiling()
        self.growth()
        return self.result

    def http_ceiling(self, body: int) -> None:
        self.say(f"HTTP ceiling: constant JSON of {body} bytes, {self.o.workers} workers")
        with servers.ceiling(body, workers=self.o.workers, log=self.o.logs / "ceiling.log") as server:
            self.result["http_ceiling"] = self.peak(server.base_url, [tools.Request("GET", "/answer")])
        self.say(f"  {self.result['http_ceiling']['rps']:,.0f} requests/s")

    def workloads(self, c: corpus.Corpus, auth: dict[str, str]) -> None:
        out: dict[str, Any] = {}
        self.result["workloads"] = out
        chosen = [w for w in wl.WORKLOADS if not self.o.only or w.name in self.o.only]
        runnable = []
        for w in chosen:
            why = wl.unavailable(w)
            if why:
                out[w.name] = {"description": w.description, "skipped": why}
                self.say(f"{w.name}: {why}")
            else:
                runnable.append(w)
        log = self.o.logs / "lextime.log"
        with servers.lextime(c.dsn, workers=self.o.workers, log=log) as server:
            if runnable and runnable[0].name == "text_json":
                cold = self.requests(runnable[0], c.size, zipf=False, seed=99, n=20000)
                # Cold: a fresh service, every (act, day) asked for the first time; one run.
                first = tools.wrk(server.base_url, cold, seconds=self.o.seconds, connections=self.o.connections,
                                  threads=2)
                out["text_json_cold"] = {"description": "point-in-time text, JSON, cold (fresh service, "
                                                        "uniform, each request new)", "rps": round(first.rps, 1),
                                         "p50_ms": round(first.p50_ms, 2), "p99_ms": round(first.p99_ms, 2),
                                         "errors": first.errors, "requests": first.requests}
                self.say(f"text_json_cold: {first.rps:,.0f} requests/s")
            for w in runnable:
                if w.build is None:  # measured as a whole below
                    continue
                for zipf in ((True, False) if w.point_in_time_json else (True,)):
                    name = w.name if zipf else f"{w.name}_uniform"
                    reqs = self.requests(w, c.size, zipf=zipf, seed=11 if zipf else 12)
                    headers = auth if w.writes or any(r.method == "POST" for r in reqs) else None
                    self.warm(server.base_url, reqs if not w.writes else [], headers)
                    out[name] = {"description": w.description + (" (Zipf, warm)" if zipf else " (uniform, warm)"),
                                 **self.peak(server.base_url, reqs, headers)}
                    if w.entries_per_request:
                        out[name]["entries_per_s"] = round(out[name]["rps"] * w.entries_per_request)
                    self.say(f"{name}: {out[name]['rps']:,.0f} requests/s, p50 {out[name]['p50_ms']} ms, "
                             f"p99 {out[name]['p99_ms']} ms, errors {out[name]['errors']} of "
                             f"{out[name]['requests']:,}")
            if any(w.name == "snapshot" for w in runnable):
                mixed = next(w for w in wl.WORKLOADS if w.name == "mixed")
                writes = [r for r in self.requests(mixed, c.size, zipf=True, seed=17, n=10 * RECENT_WRITES)
                          if r.method == "POST"][:RECENT_WRITES]
                self.result["mirror"] = self.mirror(server.base_url, writes, auth)
            if "text_json" in out and "rps" in out["text_json"]:
                # The peak's own requests, warmed again (the workloads since have filled the cache with
                # others, and the mixed one's writes dropped acts from it): 70 % of that workload's peak.
                reqs = self.requests(runnable[0], c.size, zipf=True, seed=11)
                self.warm(server.base_url, reqs, None)
                paths = [r.path for r in reqs]
                rate = 0.7 * out["text_json"]["rps"]
                self.result["latency_at_70"] = self.fixed(server.base_url, paths, rate)
                f = self.result["latency_at_70"]
                self.say(f"latency at {rate:,.0f} requests/s (70% of peak): p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms")
            # After every steady load: what a worker holds serving. The cross-check below opens a
            # connection per request at the same rate, more than two workers accept (about 5,000 a second
            # here), and the thousands held at once leave each worker's memory at their high-water mark.
            self.result["worker_rss_mb"] = server.worker_rss_mb()
            self.say(f"worker RSS: {self.result['worker_rss_mb']} MB")
            if "latency_at_70" in self.result:
                f = self.result["latency_at_70"]
                f["h2load_one_path"] = self.h2load_cross_check(server.base_url, paths, f["rate"])
                self.result["worker_rss_after_burst_mb"] = server.worker_rss_mb()
                self.say(f"worker RSS after the connection-per-request burst: "
                         f"{self.result['worker_rss_after_burst_mb']} MB")

    def mirror(self, base: str, writes: list[tools.Request], auth: dict[str, str]) -> dict[str, Any]:
        """A mirror catching up, three ways: the feed from seq 0 (pages as recorded, the texts they reference
        fetched by hash in batches), for at most `3 × --seconds`; the whole snapshot stream, each form twice:
        made from the tables (the first request at a seq), then kept (every later one); and, after `writes`
        have moved the head past the kept ones, as `lextime mirror` starts: the recent bulk snapshot (the
        newest kept) and the feed from its seq to the head."""
        with httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(max_connections=FETCHERS)) as client:
            started = time.perf_counter()
            entries, texts, non_2xx = _follow_feed(client, deadline=started + 3 * self.o.seconds)
            feed_s = time.perf_counter() - started
            ndjson = [_read_snapshot(client) for _ in ("made", "kept")]
            bulk = [snapshot_load.read_bulk_snapshot(client) for _ in ("made", "kept")]
            written = sum(client.post(w.path, content=w.body, headers={**auth, "Content-Type": "application/json"}
                                      ).status_code < 300 for w in writes)
            recent = snapshot_load.read_bulk_snapshot(client, recent=True)
            started = time.perf_counter()
            tail, _, tail_errors = ((0, 0, 0) if recent.non_2xx else
                                    _follow_feed(client, deadline=started + 60, after=recent.seq))
            tail_s = time.perf_counter() - started
        non_2xx += sum(f.non_2xx for f in (*ndjson, *bulk, recent)) + tail_errors + len(writes) - written
        feed_rate = entries / feed_s if feed_s else 0.0
        result: dict[str, Any] = {"feed_entries": entries, "feed_texts": texts, "feed_seconds": round(feed_s, 2),
                                  "feed_entries_per_s": round(feed_rate), "errors": non_2xx}
        for form, (made, kept) in (("snapshot", ndjson), ("bulk", bulk)):
            result[form] = {"entries": kept.entries, "bytes": kept.bytes,
                            "made": {"how": made.how, "seconds": round(made.seconds, 3),
                                     "wire_bytes": made.wire_bytes, "entries_per_s": round(made.rate)},
                            "kept": {"how": kept.how, "seconds": round(kept.seconds, 3),
                                     "wire_bytes": kept.wire_bytes, "entries_per_s": round(kept.rate)}}
        if not recent.non_2xx:  # else nothing to judge: the errors say so
            result["bulk"]["recent"] = {
                "how": recent.how, "writes": written, "snapshot_entries": recent.entries, "feed_entries": tail,
                "seconds": round(recent.seconds + tail_s, 3), "wire_bytes": recent.wire_bytes,
                "entries_per_s": round((recent.entries + tail) / (recent.seconds + tail_s))}
        self.say(f"mirror: feed {feed_rate:,.0f} entries/s (texts by hash); snapshot made {ndjson[0].rate:,.0f}, "
                 f"kept {ndjson[1].rate:,.0f} entries/s; bulk snapshot made {bulk[0].rate:,.0f}, "
                 f"kept {bulk[1].rate:,.0f} entries/s; after {written} writes, the recent bulk snapshot "
                 f"({recent.how}, {recent.entries:,} entries) and the feed's {tail:,} after it "
                 f"{result['bulk'].get('recent', {}).get('entries_per_s', 0):,} entries/s; errors {non_2xx}")
        for form in ("bulk", "ndjson"):
            start = snapshot_load.mirror_start(self.server_dsn, base, bulk=form == "bulk")
            result[f"mirror_start_{form}"] = {"entries": start.entries, "seconds": round(start.seconds, 2),
                                              "entries_per_s": round(start.entries / start.seconds)}
            self.say(f"lextime mirror's start from the {form} snapshot: {start.entries:,} entries in "
                     f"{start.seconds:.1f} s")
        return result

    def db_ceiling(self, c: corpus.Corpus) -> None:
        lookups = self.lookups(c.size, 20000, random.Random(11), zipf=True)
        runs = [dbceiling.run(c.dsn, lookups, seconds=self.o.seconds, processes=self.o.workers, concurrency=8)
                for _ in range(self.o.runs)]
        self.result["db_ceiling"] = {"rps": round(statistics.median(runs), 1), "runs_rps": [round(r, 1) for r in runs]}
        self.say(f"DB ceiling (one raw asyncpg query per lookup): {self.result['db_ceiling']['rps']:,.0f} lookups/s")

    def history_ceiling(self) -> None:
        out: dict[str, Any] = {}
        with tempfile.TemporaryDirectory(prefix="lextime-legalize-") as tmp:
            repos: list[tuple[str, Path]] = []
            synthetic = legalize.generate(Path(tmp) / "synthetic", self.o.legalize_commits, seed=self.o.seed)
            repos.append(("synthetic", synthetic))
            if SHARED_SAMPLE.exists():
                sample = Path(tmp) / "sample"
                import subprocess

                subprocess.run(["git", "clone", "-q", str(SHARED_SAMPLE), str(sample)], check=True)
                repos.append(("shared legalize sample", sample))
            repos.extend((str(p), p) for p in self.o.legalize_repos)
            for label, repo in repos:
                times = [legalize.git_log_seconds(repo) for _ in range(self.o.runs)]
                out[label] = {"commits": legalize.commit_count(repo),
                              "git_log_seconds": round(statistics.median(times), 3)}
                self.say(f"git log -p --reverse over {label} ({out[label]['commits']:,} commits): "
                         f"{out[label]['git_log_seconds']} s")
            why = wl.unavailable(next(w for w in wl.WORKLOADS if w.name == "import_git"))
            imports: dict[str, Any] = {}
            if why is None:
                # The target's size, and a tenth of it for the memory comparison (flat memory: the same peak).
                small = legalize.generate(Path(tmp) / "synthetic-tenth", max(self.o.legalize_commits // 10, 1),
                                          seed=self.o.seed)
                for label, repo in (("synthetic", synthetic), ("synthetic, a tenth", small)):
                    imports[label] = {**self.import_git(repo),
                                      "git_log_seconds": out[label]["git_log_seconds"] if label in out else
                                      round(legalize.git_log_seconds(repo), 3)}
                    i = imports[label]
                    self.say(f"import-git over {label} ({i['commits']:,} commits): {i['import_seconds']} s "
                             f"(wall {i['wall_seconds']} s), peak RSS {i['peak_rss_mb']} MB")
            shutil.rmtree(synthetic, ignore_errors=True)
        self.result["history"] = {"git_log": out, "import": why or "measured", "imports": imports}

    def import_git(self, repo: Path) -> dict[str, Any]:
        """One `lextime import-git` into a new empty database, dropped afterwards."""
        name = f"lextime_bench_import_{int(time.time() * 1000)}"

        async def admin(sql: str) -> None:
            conn = await asyncpg.connect(self.server_dsn)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
        try:
            return legalize.import_run(repo, corpus.with_database(self.server_dsn, name))
        finally:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def growth(self) -> None:
        """p50 under the Zipf workload at a fixed rate, and buffers per lookup, at each growth size."""
        out: dict[str, Any] = {}
        rate = 0.5 * self.result.get("workloads", {}).get("text_json", {}).get("rps", 0) or 200.0
        text = next(w for w in wl.WORKLOADS if w.name == "text_json")
        for size in self.o.growth_sizes:
            c = self.build_corpus(size)
            facts = asyncio.run(self._corpus_facts(c))
            paths = [r.path for r in self.requests(text, size, zipf=True, seed=11, n=20000)]
            with servers.lextime(c.dsn, workers=self.o.workers, log=self.o.logs / f"lextime-{size}.log") as server:
                self.warm(server.base_url, [tools.Request("GET", p) for p in paths[:4000]])
                fixed = self.fixed(server.base_url, paths, rate)
                rss = server.worker_rss_mb()
            out[corpus.size_label(size)] = {"acts": size, "p50_ms": fixed["p50_ms"], "p99_ms": fixed["p99_ms"],
                                            "rate": fixed["rate"], "buffers_per_lookup": facts["buffers_per_lookup"],
                                            "bytes": facts["bytes"], "bytes_per_act": facts["bytes_per_act"],
                                            "bytes_per_edition": facts["bytes_per_edition"], "worker_rss_mb": rss}
            self.say(f"growth {corpus.size_label(size)}: p50 {fixed['p50_ms']} ms at {rate:,.0f}/s, "
                     f"{facts['buffers_per_lookup']} buffers per lookup, RSS {rss} MB")
        self.result["growth"] = out


def _follow_feed(client: httpx.Client, *, deadline: float, limit: int = 1000, after: int = 0) -> tuple[int, int, int]:
    """Pages of `limit` entries after seq `after`, as a mirror applying one page while it fetches the next: the next
    page is asked for (its `Link: rel="next"`) before this one is decoded, and this page's texts are fetched by
    hash in batches of 1,000 while the previous page's are still arriving (at most two pages' texts in flight);
    (entries, texts, non-2xx answers)."""
    entries = texts = non_2xx = 0
    in_flight: list[Future[int]] = []
    with ThreadPoolExecutor(FETCHERS) as fetch:
        page = fetch.submit(client.get, "/v1/changes", params={"after": str(after), "limit": str(limit)})
        while time.perf_counter() < deadline:
            answer = page.result()
            if answer.status_code != 200:
                return entries, texts, non_2xx + 1
            page = fetch.submit(client.get, answer.links["next"]["url"])
            items = orjson.loads(answer.content)["items"]
            if not items:
                break
            hashes = sorted({h.decode() for h in _TEXT_REFERENCE.findall(answer.content)})
            applied, in_flight = in_flight, [fetch.submit(_texts_by_hash, client, hashes[k:k + 1000])
                                             for k in range(0, len(hashes), 1000)]
            texts, non_2xx = _count(applied, texts, non_2xx)
            entries += len(items)
        texts, non_2xx = _count(in_flight, texts, non_2xx)
    return entries, texts, non_2xx


def _count(batches: list[Future[int]], texts: int, non_2xx: int) -> tuple[int, int]:
    """`texts` and `non_2xx` with the answers of these text batches added."""
    for got in batches:
        found = got.result()
        texts, non_2xx = texts + max(found, 0), non_2xx + (found < 0)
    return texts, non_2xx


def _texts_by_hash(client: httpx.Client, hashes: list[str]) -> int:
    """How many of `hashes` `POST /v1/texts/batch` returned (-1 when it did not answer 200)."""
    got = client.post("/v1/texts/batch", content=orjson.dumps({"sha256": hashes}),
                      headers={"Content-Type": "application/json"})
    return len(orjson.loads(got.content)["texts"]) if got.status_code == 200 else -1


def _read_snapshot(client: httpx.Client) -> snapshot_load.Fetched:
    """The whole `GET /v1/snapshot` stream, every line decoded (as a mirror's loader decodes them)."""
    lines: dict[str, int] = {}
    size = 0
    started = time.perf_counter()
    with client.stream("GET", "/v1/snapshot") as stream:
        for line in _lines(stream.iter_bytes()):
            size += len(line) + 1
            kind = orjson.loads(line).get("kind", "?")
            lines[kind] = lines.get(kind, 0) + 1
    return snapshot_load.Fetched(lines.get("entry", 0), size, time.perf_counter() - started,
                                 int(stream.status_code != 200), stream.headers.get("x-lextime-snapshot", "made"),
                                 stream.num_bytes_downloaded, lines)


def _lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The non-empty lines of a byte stream (NDJSON), without decoding it to text first."""
    lines = Lines()
    for chunk in chunks:
        yield from lines.feed(chunk)
    yield from lines.end()


Step = Callable[[], None]
