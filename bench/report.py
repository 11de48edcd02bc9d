"""The targets of issue 8 judged from one run's result, and the result as JSON and a Markdown table."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psutil

REPO = Path(__file__).resolve().parent.parent
INDIGO_RPS = 48.0
DISK_BUDGET_1M = 20 * 10**9
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def machine(server_version: str | None) -> dict[str, Any]:
    cpu = "unknown"
    info = Path("/proc/cpuinfo")
    if info.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", info.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return {"nproc": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1), "cpu": cpu,
            "python": platform.python_version(), "postgresql": server_version,
            "commit": commit + ("+dirty" if dirty else ""),
            "platform": platform.platform(), "date": datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC")}


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "missed")


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target: what it asks, what was measured, the ratio, met or not."""
    w = r.get("workloads", {})
    text = w.get("text_json", {})
    ceiling = r.get("http_ceiling", {}).get("rps")
    rps = text.get("rps")
    out = []

    def add(name: str, goal: str, measured: str, ratio: float | None, ok: bool | None) -> None:
        out.append({"target": name, "goal": goal, "measured": measured,
                    "ratio": None if ratio is None else round(ratio, 2), "verdict": _verdict(ok)})

    if rps and ceiling:
        share = rps / ceiling
        add("text JSON vs HTTP ceiling", "≥ 0.60 of the constant-JSON ceiling",
            f"{rps:,.0f} vs {ceiling:,.0f} req/s", share, share >= 0.60)
        add("text JSON vs Indigo", f"≥ 50× Indigo's {INDIGO_RPS:.0f} req/s", f"{rps:,.0f} req/s", rps / INDIGO_RPS,
            rps / INDIGO_RPS >= 50)
    else:
        add("text JSON vs HTTP ceiling", "≥ 0.60 of the constant-JSON ceiling", "—", None, None)
        add("text JSON vs Indigo", f"≥ 50× Indigo's {INDIGO_RPS:.0f} req/s", "—", None, None)
    fixed = r.get("latency_at_70")
    if fixed and fixed["p50_ms"]:
        tail = fixed["p99_ms"] / fixed["p50_ms"]
        add("p99 / p50 at 70% of peak", "≤ 4", f"p50 {fixed['p50_ms']} ms, p99 {fixed['p99_ms']} ms at "
            f"{fixed['achieved_rps']:,.0f} req/s", tail, tail <= 4)
    else:
        add("p99 / p50 at 70% of peak", "≤ 4", "—", None, None)
    growth = r.get("growth", {})
    if len(growth) >= 2:
        sizes = sorted(growth.values(), key=lambda g: g["acts"])
        small, large = sizes[0], sizes[-1]
        label = f"{large['acts']:,} vs {small['acts']:,} acts"
        full = small["acts"] <= 10_000 and large["acts"] >= 1_000_000
        ratio = large["p50_ms"] / small["p50_ms"] if small["p50_ms"] else None
        add("growth: p50 (Zipf)", "≤ 1.3× from 10k to 1M acts",
            f"{label}: {small['p50_ms']} → {large['p50_ms']} ms" + ("" if full else " (not the target's sizes)"),
            ratio, (ratio is not None and ratio <= 1.3) if full else None)
        add("growth: buffers per lookup", "the same at 10k and 1M",
            f"{label}: {small['buffers_per_lookup']} → {large['buffers_per_lookup']}" + ("" if full else
                                                                                       " (not the target's sizes)"),
            large["buffers_per_lookup"] / small["buffers_per_lookup"] if small["buffers_per_lookup"] else None,
            (large["buffers_per_lookup"] <= small["buffers_per_lookup"]) if full else None)
    else:
        add("growth: p50 (Zipf)", "≤ 1.3× from 10k to 1M acts", "— (run with --growth 10k,1M)", None, None)
        add("growth: buffers per lookup", "the same at 10k and 1M", "—", None, None)
    history = r.get("history", {})
    imports = history.get("imports") or {}
    full, tenth = imports.get("synthetic"), imports.get("synthetic, a tenth")
    if full and full.get("git_log_seconds"):
        ratio = full["import_seconds"] / full["git_log_seconds"]
        big_enough = full["commits"] >= 10_000
        flat = tenth is not None and full["peak_rss_mb"] <= 1.2 * tenth["peak_rss_mb"]
        add("history import", "≤ 3× `git log -p --reverse` at ≥ 10,000 commits",
            f"{full['commits']:,} commits: {full['import_seconds']} s vs {full['git_log_seconds']} s"
            + ("" if big_enough else " (not the target's size)"), ratio, (ratio <= 3) if big_enough else None)
        if tenth:
            add("history import memory", "flat: the same peak RSS at 10× the commits",
                f"{tenth['peak_rss_mb']} MB at {tenth['commits']:,} → {full['peak_rss_mb']} MB at "
                f"{full['commits']:,} commits", full["peak_rss_mb"] / tenth["peak_rss_mb"], flat)
    else:
        add("history import", "≤ 3× `git log -p --reverse`, flat memory",
            history.get("import", "—") if history.get("import") != "measured" else "—", None, None)
    mirror = r.get("mirror")
    if mirror and mirror.get("feed_entries_per_s"):
        feed = mirror["feed_entries_per_s"]
        add("change feed catch-up", "≥ 5,000 entries/s (texts fetched by hash in batches)",
            f"{feed:,} entries/s over {mirror['feed_entries']:,} entries", feed / 5000, feed >= 5000)
        for form, label, what in (("snapshot", "snapshot", "NDJSON"), ("bulk", "bulk snapshot", "binary COPY sections")):
            got = mirror.get(form)
            if not got:
                continue
            # The first request at a seq gets a snapshot made from the tables; later ones the kept file.
            for how in ("made", "kept"):
                run = got[how]
                add(f"{label} vs feed, {how}", "≥ 10× the feed's entries/s",
                    f"{run['entries_per_s']:,} vs {feed:,} entries/s ({what}, {run['how']})",
                    run["entries_per_s"] / feed, run["entries_per_s"] / feed >= 10)
            recent = got.get("recent")
            if recent:  # as `lextime mirror` starts: the newest kept snapshot, then the feed from its seq
                add(f"{label} vs feed, recent after {recent['writes']} writes", "≥ 10× the feed's entries/s",
                    f"{recent['entries_per_s']:,} vs {feed:,} entries/s ({recent['snapshot_entries']:,} from the "
                    f"snapshot, {recent['how']}, {recent['feed_entries']:,} from the feed)",
                    recent["entries_per_s"] / feed, recent["entries_per_s"] / feed >= 10)
    else:
        add("change feed catch-up", "≥ 5,000 entries/s", w.get("changes", {}).get("skipped", "—"), None, None)
        add("snapshot vs feed", "≥ 10× the feed's entries/s", "—", None, None)
    rss = r.get("worker_rss_mb") or []
    acts = r.get("corpus", {}).get("acts", 0)
    if rss:
        top = max(rss)
        at_1m = acts >= 1_000_000
        burst = r.get("worker_rss_after_burst_mb") or []
        add("worker memory", "< 150 MB RSS per worker at 1M acts",
            f"max {top} MB at {acts:,} acts" + ("" if at_1m else " (not 1M)")
            + (f"; {max(burst)} MB after the connection-per-request burst" if burst else ""), top / 150,
            (top < 150) if at_1m else None)
    per_act = r.get("corpus", {}).get("bytes_per_act")
    if per_act:
        projected = per_act * 1_000_000
        add("disk at 1M acts", "≤ 20 GB", f"{per_act:,} bytes per act → {projected / 1e9:,.1f} GB projected",
            projected / DISK_BUDGET_1M, projected <= DISK_BUDGET_1M)
    return out


def _per_act_line(per_act: dict[str, dict[str, int]] | None) -> list[str]:
    """Bytes per act by table: where the disk goes."""
    if not per_act:
        return []
    parts = [f"{name.replace('_', ' ')} {t['data'] + t['indexes']:,} ({t['indexes']:,} of it indexes)"
             for name, t in per_act.items()]
    return ["Bytes per act by table: " + ", ".join(parts) + ".", ""]


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    c = r.get("corpus", {})
    lines = [
        (f"Run of {m['date']} on commit `{m['commit']}`: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
         f"Python {m['python']}, PostgreSQL {m['postgresql']}; {r['options']['workers']} workers, "
         f"{r['options']['connections']} connections, median of {r['options']['runs']} runs"
         + (" (`--quick`)" if r["options"]["quick"] else "") + "."),
        "",
        (f"Corpus: {c.get('acts', 0):,} acts, {c.get('editions', 0):,} editions, {c.get('unit_versions', 0):,} unit "
         f"versions, {c.get('texts', 0):,} texts, {c.get('relations', 0):,} relations, {c.get('entries', 0):,} ledger "
         f"entries (chain {c.get('chain')}); {c.get('bytes', 0) / 2**20:,.0f} MiB: "
         f"{c.get('bytes_per_act', 0):,} bytes per act, {c.get('bytes_per_edition', 0):,} per edition; "
         f"{c.get('buffers_per_lookup')} shared buffers per text lookup."),
        "",
        *_per_act_line(c.get("per_act")),
        "| target | goal | measured | ratio | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in targets(r):
        ratio = "—" if t["ratio"] is None else f"{t['ratio']}"
        lines.append(f"| {t['target']} | {t['goal']} | {t['measured']} | {ratio} | **{t['verdict']}** |")
    lines += ["", "| workload | requests/s | p50 ms | p99 ms | errors |", "| --- | --- | --- | --- | --- |"]
    ceiling = r.get("http_ceiling")
    if ceiling:
        lines.append(f"| HTTP ceiling (constant JSON, {r.get('answer_bytes')} bytes) | {ceiling['rps']:,.0f} | "
                     f"{ceiling['p50_ms']} | {ceiling['p99_ms']} | {ceiling['errors']} |")
    db = r.get("db_ceiling")
    if db:
        lines.append(f"| DB ceiling (one raw asyncpg query per lookup) | {db['rps']:,.0f} | — | — | — |")
    for name, w in r.get("workloads", {}).items():
        if "skipped" in w:
            lines.append(f"| {name}: {w['description']} | {w['skipped']} | | | |")
        else:
            per = f" ({w['entries_per_s']:,} entries/s)" if w.get("entries_per_s") else ""
            lines.append(f"| {name}: {w['description']} | {w['rps']:,.0f}{per} | {w['p50_ms']} | {w['p99_ms']} | "
                         f"{w['errors']} of {w.get('requests', 0):,} |")
    fixed = r.get("latency_at_70")
    if fixed:
        lag = f"; sent up to {fixed['lag_p99_ms']} ms late, p99" if "lag_p99_ms" in fixed else ""
        lines.append(f"| text JSON at a fixed {fixed['rate']:,.0f}/s (open loop, the peak's requests, Zipf{lag}) | "
                     f"{fixed['achieved_rps']:,.0f} | {fixed['p50_ms']} | {fixed['p99_ms']} | {fixed['errors']} |")
        h = fixed.get("h2load_one_path")
        if h:
            lines.append(f"| the same rate with `h2load -r` (a connection per request, the hottest path) | "
                         f"{h['achieved_rps']:,.0f} | {h['p50_ms']} | {h['p99_ms']} | {h['errors']} |")
    mirror = r.get("mirror")
    if mirror:
        lines.append(f"| mirror catch-up from the feed ({mirror['feed_entries']:,} entries, {mirror['feed_texts']:,} "
                     f"texts by hash) | {mirror['feed_entries_per_s']:,} entries/s | | | {mirror['errors']} |")
        for form, label in (("snapshot", "the NDJSON snapshot"), ("bulk", "the bulk snapshot (binary COPY sections)")):
            got = mirror.get(form)
            for how in ("made", "kept") if got else ():
                run = got[how]
                lines.append(f"| mirror start from {label}, {run['how']} ({got['entries']:,} entries, "
                             f"{got['bytes'] / 1e6:,.0f} MB, {run['wire_bytes'] / 1e6:,.0f} MB sent) | "
                             f"{run['entries_per_s']:,} entries/s ({run['seconds']} s) | | | |")
            recent = got.get("recent") if got else None
            if recent:
                lines.append(f"| mirror start from {label}, recent after {recent['writes']} writes "
                             f"({recent['snapshot_entries']:,} entries {recent['how']}, then "
                             f"{recent['feed_entries']:,} from the feed) | {recent['entries_per_s']:,} entries/s "
                             f"({recent['seconds']} s) | | | |")
        for form, label in (("ndjson", "NDJSON"), ("bulk", "bulk")):
            start = mirror.get(f"mirror_start_{form}")
            if start:
                lines.append(f"| `lextime mirror` start: the {label} snapshot loaded into a new database "
                             f"({start['entries']:,} entries, checks included) | {start['entries_per_s']:,} "
                             f"entries/s ({start['seconds']} s) | | | |")
    for label, g in r.get("history", {}).get("git_log", {}).items():
        lines.append(f"| `git log -p --reverse`, {label} ({g['commits']:,} commits) | {g['git_log_seconds']} s | | | |")
    for label, g in (r.get("history", {}).get("imports") or {}).items():
        lines.append(f"| `lextime import-git`, {label} ({g['commits']:,} commits) | {g['import_seconds']} s "
                     f"({g['commits'] / max(g['import_seconds'], 1e-9):,.0f} commits/s) | | | "
                     f"wall {g['wall_seconds']} s, peak RSS {g['peak_rss_mb']} MB |")
    for label, g in r.get("growth", {}).items():
        lines.append(f"| growth {label}: text JSON (Zipf) at {g['rate']:,.0f}/s | — | {g['p50_ms']} | {g['p99_ms']} | "
                     f"{g['buffers_per_lookup']} buffers/lookup, {g['bytes_per_act']:,} B/act, "
                     f"RSS {g['worker_rss_mb']} MB |")
    lines.append("")
    burst = r.get("worker_rss_after_burst_mb")
    lines.append(f"Worker RSS after the steady loads: {r.get('worker_rss_mb')} MB"
                 + (f"; after the connection-per-request cross-check: {burst} MB." if burst else "."))
    return "\n".join(lines) + "\n"


def write(r: dict[str, Any], folder: Path, docs: Path | None) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    label = "quick" if r["options"]["quick"] else f"{r.get('corpus', {}).get('acts', 0)}-acts"
    json_path = folder / f"{stamp}-{label}.json"
    md_path = folder / f"{stamp}-{label}.md"
    r["targets"] = targets(r)
    json_path.write_bytes(orjson.dumps(r, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=str))
    table = markdown(r)
    md_path.write_text(table, encoding="utf-8")
    if docs is not None:
        update_docs(docs, table, json_path)
    return json_path, md_path


def update_docs(docs: Path, table: str, source: Path) -> None:
    """Replace the generated part of docs/performance.md (between the bench markers), keep the rest."""
    block = f"{BEGIN}\n<!-- written by `python -m bench` from {source.name}; do not edit by hand -->\n\n{table}\n{END}"
    text = docs.read_text(encoding="utf-8") if docs.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(head + block + tail, encoding="utf-8")
