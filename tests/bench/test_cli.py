"""The suite's command: help, the workload registry (what this build can run and why not), a missing tool
named with how to install it, the load tools' output read right, the targets judged, the docs' generated
part replaced and the rest kept. The suite's real run is `.ci/run` (`python -m bench --quick`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import cli, report, tools
from bench import workloads as wl
from service.cli import main as lextime

REPO = Path(__file__).resolve().parent.parent.parent

WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:8000
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61ms    1.88ms  31.97ms   91.82%
    Req/Sec     3.17k   245.15     3.62k    71.67%
  Latency Distribution
     50%    2.21ms
     75%    2.72ms
     90%    3.56ms
     99%   10.53ms
  18975 requests in 3.00s, 63.37MB read
  Non-2xx or 3xx responses: 12
Requests/sec:   6321.41
Transfer/sec:     21.11MB
"""


def test_help_from_both_entry_points(capsys: pytest.CaptureFixture[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "--help"], capture_output=True, text=True, cwd=REPO,
                          timeout=60, check=False)
    assert done.returncode == 0 and "--quick" in done.stdout and "wrk" in done.stdout
    with pytest.raises(SystemExit) as exit_info:
        lextime(["bench", "--help"])
    assert exit_info.value.code == 0
    assert "usage: python -m bench" in capsys.readouterr().out


def test_the_registry_says_what_this_build_cannot_run() -> None:
    status = {w.name: wl.unavailable(w) for w in wl.WORKLOADS}
    for name in ("text_json", "text_plain", "status", "act", "list_status", "akn", "batch_text", "mixed", "unit",
                 "compare", "changes", "snapshot"):
        assert status[name] is None, name
    if "lextime import-git" not in wl.cli_commands():
        assert status["import_git"] == "not available in this build: `lextime import-git` is not a command"
    else:  # measured as a whole: an import into an empty database against git log over the same repository
        assert status["import_git"] is None
    fake = wl.Workload("fake", "a route nobody serves", (("get", "/v1/nothing"),), lambda s, n: [])
    assert wl.unavailable(fake) == "not available in this build: GET /v1/nothing is not served"
    served = wl.Workload("later", "served, builder not written", (("get", "/v1/acts"),), None)
    assert "not available in this build" in (wl.unavailable(served) or "")


def test_list_shows_every_workload(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    for w in wl.WORKLOADS:  # each workload on its own line, with what the registry says of it
        line = next(line for line in out.splitlines() if line.split()[0] == w.name)
        assert line.endswith(wl.unavailable(w) or "available"), line


def test_a_missing_tool_is_named_with_its_install_command(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(tools.shutil, "which", lambda name: None if name == "h2load" else f"/usr/bin/{name}")
    assert cli.main(["--quick"]) == 2
    out = capsys.readouterr().out
    assert "h2load not found" in out and "apt-get install -y wrk nghttp2-client" in out


def test_unknown_workloads_and_sizes_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--only", "text_json,nope"]) == 2
    assert "unknown workloads nope" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--size", "ten"])
    assert exit_info.value.code == 2


def test_wrk_output_is_read() -> None:
    peak = tools.parse_wrk(WRK_OUTPUT)
    assert (peak.rps, peak.p50_ms, peak.p90_ms, peak.p99_ms, peak.requests, peak.errors) == (
        6321.41, 2.21, 3.56, 10.53, 18975, 12)
    assert tools.parse_wrk(WRK_OUTPUT.replace("10.53ms", "1.20s")).p99_ms == 1200.0


MACHINE = {"date": "d", "commit": "c", "nproc": 2, "cpu": "x", "memory_gib": 1, "python": "3", "postgresql": "15"}
OPTIONS = {"workers": 2, "connections": 16, "runs": 3, "quick": True}


def _result(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "http_ceiling": {"rps": 10_000.0}, "workloads": {"text_json": {"rps": 6_500.0}},
        "latency_at_70": {"p50_ms": 2.0, "p99_ms": 9.0, "achieved_rps": 4550.0},
        "corpus": {"acts": 1000, "bytes_per_act": 30_000}, "worker_rss_mb": [60.0, 70.0],
        "growth": {"10k": {"acts": 10_000, "p50_ms": 2.0, "buffers_per_lookup": 50},
                   "1M": {"acts": 1_000_000, "p50_ms": 2.4, "buffers_per_lookup": 50}},
    }
    return {**base, **over}


def test_targets_are_judged_as_ratios() -> None:
    verdicts = {t["target"]: (t["ratio"], t["verdict"]) for t in report.targets(_result())}
    assert verdicts["text JSON vs HTTP ceiling"] == (0.65, "met")
    assert verdicts["text JSON vs Indigo"] == (135.42, "met")
    assert verdicts["p99 / p50 at 70% of peak"] == (4.5, "missed")
    assert verdicts["growth: p50 (Zipf)"] == (1.2, "met")
    assert verdicts["growth: buffers per lookup"] == (1.0, "met")
    assert verdicts["worker memory"][1] == "not measured"  # not at 1M acts
    assert verdicts["disk at 1M acts"] == (1.5, "missed")
    assert verdicts["change feed catch-up"] == (None, "not measured")
    def fetched(made: int, kept: int) -> dict[str, object]:
        return {"entries": 9000, "bytes": 10**8, "made": {"how": "made", "seconds": 1.0, "wire_bytes": 10**8,
                                                          "entries_per_s": made},
                "kept": {"how": "kept", "seconds": 0.1, "wire_bytes": 10**7, "entries_per_s": kept}}
    mirror = {"feed_entries_per_s": 4000, "feed_entries": 9000, "snapshot": fetched(2000, 60_000),
              "bulk": fetched(8000, 36_000) | {"recent": {"how": "kept", "writes": 100, "snapshot_entries": 9000,
                                                          "feed_entries": 100, "seconds": 0.2, "wire_bytes": 10**7,
                                                          "entries_per_s": 46_000}}}
    rows = {t["target"]: t for t in report.targets(_result() | {"mirror": mirror})}
    judged = {name: (t["ratio"], t["verdict"]) for name, t in rows.items()}
    assert judged["change feed catch-up"] == (0.8, "missed")
    assert judged["snapshot vs feed, made"] == (0.5, "missed")  # the first request at a seq
    assert judged["snapshot vs feed, kept"] == (15.0, "met")  # every later one
    assert judged["bulk snapshot vs feed, made"] == (2.0, "missed")
    assert judged["bulk snapshot vs feed, kept"] == (9.0, "missed")
    assert rows["bulk snapshot vs feed, kept"]["measured"] == "36,000 vs 4,000 entries/s (binary COPY sections, kept)"
    # As `lextime mirror` starts after writes: the newest kept snapshot and the feed after it, as one catch-up.
    assert judged["bulk snapshot vs feed, recent after 100 writes"] == (11.5, "met")
    assert "9,000 from the snapshot, kept, 100 from the feed" in rows["bulk snapshot vs feed, recent after 100 writes"][
        "measured"]
    assert "snapshot vs feed, recent after 100 writes" not in judged  # the NDJSON form has no such run
    history = {"imports": {"synthetic": {"commits": 10_000, "import_seconds": 12.0, "git_log_seconds": 2.0,
                                         "wall_seconds": 13.0, "peak_rss_mb": 130.0},
                           "synthetic, a tenth": {"commits": 1000, "import_seconds": 1.0, "git_log_seconds": 0.2,
                                                  "wall_seconds": 2.0, "peak_rss_mb": 100.0}}}
    judged = {t["target"]: (t["ratio"], t["verdict"]) for t in report.targets(_result() | {"history": history})}
    assert judged["history import"] == (6.0, "missed")
    assert judged["history import memory"] == (1.3, "missed")
    history["imports"]["synthetic"] |= {"import_seconds": 5.0, "peak_rss_mb": 110.0, "commits": 2000}
    judged = {t["target"]: (t["ratio"], t["verdict"]) for t in report.targets(_result() | {"history": history})}
    assert judged["history import"] == (2.5, "not measured")  # below the target's 10,000 commits
    assert judged["history import memory"] == (1.1, "met")
    small = report.targets(_result(growth={"1k": {"acts": 1000, "p50_ms": 1.0, "buffers_per_lookup": 9},
                                           "4k": {"acts": 4000, "p50_ms": 1.0, "buffers_per_lookup": 9}}))
    assert {t["target"]: t["verdict"] for t in small}["growth: p50 (Zipf)"] == "not measured"


def test_worker_memory_is_judged_on_the_steady_loads_and_the_burst_is_reported_beside_it() -> None:
    at_1m = {"acts": 1_000_000, "bytes_per_act": 30_000}
    steady = {t["target"]: t for t in report.targets(_result(corpus=at_1m, worker_rss_mb=[12.0, 120.0, 135.0],
                                                             worker_rss_after_burst_mb=[12.0, 150.0, 160.0]))}
    memory = steady["worker memory"]
    assert (memory["ratio"], memory["verdict"]) == (0.9, "met")
    assert "135.0 MB at 1,000,000 acts" in memory["measured"] and "160.0 MB after the" in memory["measured"]
    table = report.markdown({"machine": MACHINE, "options": OPTIONS, "corpus": {"acts": 1000},
                             "worker_rss_mb": [12.0, 135.0], "worker_rss_after_burst_mb": [12.0, 160.0]})
    assert "after the steady loads: [12.0, 135.0] MB; after the connection-per-request cross-check: [12.0, 160.0]" in table


def test_the_docs_keep_what_is_written_by_hand(tmp_path: Path) -> None:
    docs = tmp_path / "performance.md"
    docs.write_text(f"# Performance\n\nBy hand before.\n\n{report.BEGIN}\nold table\n{report.END}\n\nBy hand after.\n")
    report.update_docs(docs, "| new | table |\n", tmp_path / "run.json")
    text = docs.read_text()
    assert "By hand before." in text and "By hand after." in text and "| new | table |" in text
    assert "old table" not in text and text.count(report.BEGIN) == 1


def test_the_table_says_where_the_bytes_of_an_act_go() -> None:
    machine = MACHINE
    per_act = {"texts": {"data": 50_299, "indexes": 10_940}, "unit_versions": {"data": 18_810, "indexes": 10_667},
               "rest": {"data": 8, "indexes": 15}}
    result: dict[str, object] = {"machine": machine, "options": OPTIONS,
                                 "corpus": {"acts": 1000, "bytes_per_act": 125_332, "per_act": per_act}}
    text = report.markdown(result)
    assert ("Bytes per act by table: texts 61,239 (10,940 of it indexes), unit versions 29,477 (10,667 of it "
            "indexes), rest 23 (15 of it indexes).") in text
    result["corpus"] = {"acts": 1000, "bytes_per_act": 125_332}
    assert "Bytes per act by table" not in report.markdown(result)
