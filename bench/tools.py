"""The load generators: `wrk` for peak throughput (closed loop) and `h2load` for latency at a fixed rate.

Both are C programs from Debian (`wrk`; `h2load` in `nghttp2-client`); the PyPI package called `wrk` is
unrelated. h2load sends each connection's requests from a timing script (offset, URI), so several
single-connection h2load processes, each with its own random URIs, make an open-loop load at a fixed
rate. Latency is measured from the request's scheduled time, not from when it could be sent, so a slow
answer that holds back the next request is counted against the service (no coordinated omission).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
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
    pct = {int(p): _ms(v, u) for p, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)}
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
    """Latency at a fixed, open-loop rate (milliseconds, from each request's scheduled time)."""

    rate: float
    achieved_rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def h2load_fixed(base_url: str, paths: list[str], *, rate: float, seconds: float, streams: int = 8) -> Fixed:
    """`streams` single-connection h2load processes, each sending its share of the rate from a timing
    script of its own random paths (HTTP/1.1, as uvicorn serves)."""
    per_stream = rate / streams
    count = max(1, int(per_stream * seconds))
    with tempfile.TemporaryDirectory(prefix="lextime-h2load-") as tmp:
        procs = []
        scripts = []
        for s in range(streams):
            mine = [paths[(s + i * streams) % len(paths)] for i in range(count)]
            offsets = [i * 1000.0 / per_stream for i in range(count)]
            script = Path(tmp) / f"timing-{s}.tsv"
            script.write_text("".join(f"{o:.3f}\t{base_url}{p}\n" for o, p in zip(offsets, mine)))
            log = Path(tmp) / f"log-{s}.tsv"
            scripts.append((offsets, log))
            procs.append(subprocess.Popen(
                ["h2load", "--h1", "-c1", "-t1", "-n", str(count), "--timing-script-file", str(script),
                 "--log-file", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        outputs = [p.communicate(timeout=seconds + 120) for p in procs]
        latencies: list[float] = []
        errors = 0
        first, last = float("inf"), 0.0
        for (offsets, log), (out, err), proc in zip(scripts, outputs, procs):
            if proc.returncode != 0 or not log.exists():
                raise RuntimeError(f"h2load failed ({proc.returncode}): {err.strip() or out.strip()}")
            rows = [line.split("\t") for line in log.read_text().splitlines() if line.strip()]
            rows.sort(key=lambda r: int(r[0]))
            if not rows:
                continue
            start = int(rows[0][0]) - offsets[0] * 1000  # µs: when the script's clock started
            for offset, (started, status, took) in zip(offsets, rows):
                late = max(0.0, int(started) - (start + offset * 1000))
                latencies.append((late + int(took)) / 1000.0)
                errors += not status.startswith(("2", "3"))
                first, last = min(first, int(started)), max(last, int(started) + int(took))
            errors += max(0, count - len(rows))
    span = max((last - first) / 1e6, 1e-9)
    return Fixed(rate, len(latencies) / span, _percentile(latencies, 0.5), _percentile(latencies, 0.9),
                 _percentile(latencies, 0.99), len(latencies), errors)


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
