"""The load generators: `wrk` for peak throughput (closed loop); for latency at a fixed rate, an open-loop
generator over random paths (bench/openloop.py) cross-checked by `h2load -r` on one path.

wrk and h2load are C programs from Debian (`wrk`; `h2load` in `nghttp2-client`); the PyPI package called
`wrk` is unrelated. Fixed-rate latency is counted from each request's due time, so a slow answer that
holds back later requests counts against the service (no coordinated omission).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "apt-get install -y wrk nghttp2-client   (Debian/Ubuntu; as root, after apt-get update)"
_LUA = Path(__file__).with_name("requests.lua")


def missing_tools() -> list[str]:
    return [tool for tool in ("wrk", "h2load") if shutil.which(tool) is None]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""


@dataclass(frozen=True)
class Peak:
    """One wrk run: requests per second and latency percentiles in milliseconds."""

    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(out: str) -> Peak:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = {int(p): _ms(v, u) for p, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return Peak(rps, pct.get(50, 0.0), pct.get(90, 0.0), pct.get(99, 0.0), requests, errors)


def write_requests(requests: list[Request], folder: Path) -> Path:
    """One request per line for requests.lua: method, path and body separated by tabs."""
    path = folder / "requests.tsv"
    path.write_text("".join(f"{r.method}\t{r.path}\t{r.body}\n" for r in requests), encoding="utf-8")
    return path


def wrk(base_url: str, requests: list[Request], *, seconds: float, connections: int, threads: int,
        headers: dict[str, str] | None = None) -> Peak:
    with tempfile.TemporaryDirectory(prefix="lextime-bench-") as tmp:
        listing = write_requests(requests, Path(tmp))
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
               "-s", str(_LUA), base_url, "--", str(listing)]
        for name, value in (headers or {}).items():
            cmd[1:1] = ["-H", f"{name}: {value}"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120, check=False)
    if done.returncode != 0 or "Requests/sec" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout)


@dataclass(frozen=True)
class Fixed:
    """Latency at a fixed, open-loop rate (milliseconds, from each request's sending, or from when it would
    have been sent when it waited for a connection; bench/openloop.py)."""

    rate: float
    achieved_rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int
    lag_p99_ms: float = 0.0  # the open-loop generator's own lateness in sending (not in the latencies)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def open_loop(base_url: str, paths: list[str], *, rate: float, seconds: float) -> Fixed:
    """Latency at a fixed rate over random paths, open loop (bench/openloop.py, its own process)."""
    host, port = base_url.removeprefix("http://").split(":")
    with tempfile.TemporaryDirectory(prefix="lextime-openloop-") as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "bench.openloop", host, port, str(rate), str(seconds),
                               str(listing)], capture_output=True, text=True, timeout=seconds * 4 + 120,
                              check=False, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"the open-loop generator failed: {done.stderr.strip()[-2000:]}")
    r = json.loads(done.stdout)
    return Fixed(rate, r["achieved_rps"], r["p50_ms"], r["p90_ms"], r["p99_ms"], r["requests"], r["errors"],
                 r["lag_p99_ms"])


def h2load_rate(base_url: str, path: str, *, rate: float, seconds: float) -> Fixed:
    """`h2load -r`: `rate` new connections a second, one request each (so one path): open loop, and the
    cross-check of the generator above. Latency from each request's start, connection set-up excluded."""
    total = max(1, int(rate * seconds))
    with tempfile.TemporaryDirectory(prefix="lextime-h2load-") as tmp:
        log = Path(tmp) / "log.tsv"
        done = subprocess.run(["h2load", "--h1", "-r", str(max(1, round(rate / 10))), "--rate-period", "100ms",
                               "-c", str(total), "-n", str(total), "-t", "1", "--log-file", str(log),
                               base_url + path], capture_output=True, text=True, timeout=seconds * 4 + 120,
                              check=False)
        if done.returncode != 0 or not log.exists():
            raise RuntimeError(f"h2load failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        rows = [line.split("\t") for line in log.read_text().splitlines() if line.strip()]
    latencies = [int(r[2]) / 1000.0 for r in rows]
    errors = sum(not r[1].startswith(("2", "3")) for r in rows) + max(0, total - len(rows))
    starts = [int(r[0]) for r in rows]
    span = max((max(starts) - min(starts)) / 1e6, 1e-9) if starts else 1e-9
    return Fixed(rate, len(rows) / span, _percentile(latencies, 0.5), _percentile(latencies, 0.9),
                 _percentile(latencies, 0.99), len(rows), errors)


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
