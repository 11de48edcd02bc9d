"""The `lextime` command: help on every command, configuration errors, the README's commands, and
(slow) a real `lextime serve` with an embedded PostgreSQL stopped cleanly on SIGTERM."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from service.cli import build_parser, main
from service.embedded import postmasters_of, server_processes_of

REPO = Path(__file__).resolve().parent.parent
COMMANDS = [[], ["serve"], ["migrate"], ["keys"], ["keys", "create"], ["keys", "list"], ["keys", "revoke"], ["mirror"],
            ["audit"], ["audit", "verify"], ["audit", "check-proof"], ["import"], ["import-git"], ["export-git"]]
READY_DEADLINE_S = 90.0
STOP_DEADLINE_S = 60.0


def lextime() -> list[str]:
    """The installed entry point, else the module (a checkout used without `pip install -e`)."""
    script = Path(sys.executable).parent / "lextime"
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


def config_names() -> set[str]:
    """Every environment variable service/config.py reads."""
    source = (REPO / "service" / "config.py").read_text()
    return set(re.findall(r'"((?:DATABASE|LEXTIME)_[A-Z0-9_]+)"', source))


# -- help and errors -------------------------------------------------------------------------------


def test_entry_point_help() -> None:
    result = subprocess.run([*lextime(), "--help"], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for command in ("serve", "migrate", "keys"):
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "lextime")
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: lextime")
    assert len(out.splitlines()) > 3


def test_serve_options_and_defaults() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers, args.demo, args.data_dir) == (
        "127.0.0.1",
        8000,
        1,
        False,
        None,
    )


@pytest.mark.parametrize("argv", [["serve", "--port", "0"], ["serve", "--workers", "0"], ["keys"], [], ["mirror"],
                                  ["mirror", "--from", "http://x", "--batch", "0"], ["audit"]])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: lextime" in capsys.readouterr().err


def test_config_error_exits_2_naming_the_variable() -> None:
    env = {**os.environ, "LEXTIME_POOL_MAX": "many"}
    result = subprocess.run([*lextime(), "migrate"], check=False, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert "LEXTIME_POOL_MAX" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line_not_a_traceback() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/postgres"}
    result = subprocess.run([*lextime(), "migrate"], check=False, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("lextime: ")
    assert "Traceback" not in result.stderr


# -- the README and CI agree -----------------------------------------------------------------------


def test_readme_quick_start_has_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "pip install -e . && lextime serve --demo" in quick_start.splitlines()
    assert "pip install -e '.[test]' && pytest" in quick_start.splitlines()
    assert "## Asking Lextime" in readme


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "pip install -e '.[test]'" in ci
    assert re.search(r"^\s*pytest\b", ci, re.MULTILINE)
    assert "lextime serve --demo" in ci


def test_every_command_is_in_the_list_and_in_the_readme() -> None:
    import argparse

    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    names = set(actions[0].choices)
    # `lextime bench --help` is the benchmark suite's own help (tests/bench/test_cli.py).
    assert names == {c[0] for c in COMMANDS if c} | {"bench"}
    commands = (REPO / "README.md").read_text().split("## Commands", 1)[1].split("\n## ", 1)[0]
    for name in names:
        assert f"| `lextime {name} " in commands or f"| `lextime {name}`" in commands, name


def test_readme_documents_every_setting() -> None:
    readme = (REPO / "README.md").read_text()
    table = {m for m in re.findall(r"^\|\s*`([A-Z0-9_]+)`", readme, re.MULTILINE)}
    assert table == config_names()


# -- serve, for real (slow) ------------------------------------------------------------------------


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not tmp_path: the embedded server's system user must reach it (see test_embedded.py).
    path = Path(tempfile.mkdtemp(prefix="lextime-test-serve-"))
    yield path
    for proc in server_processes_of(path.resolve() / "pgdata"):  # only after a failed test
        proc.kill()
    shutil.rmtree(path, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"lextime serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # the poll interval; the deadline above bounds the wait
    pytest.fail(f"lextime serve was not healthy within {READY_DEADLINE_S} s:\n{log.read_text()}")


def _processes_mentioning(folder: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if proc.info["name"] == "postgres" and str(folder) in cmdline:
            found.append(proc)
    return found


@pytest.mark.slow
@pytest.mark.parametrize(("workers", "demo"), [(1, True), (2, False)], ids=["one-worker-demo", "two-workers"])
def test_serve_with_embedded_database_stops_it_on_sigterm(data_dir: Path, workers: int, demo: bool) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LEXTIME_LOG_FORMAT"] = "json"
    out, err = data_dir / "stdout.txt", data_dir / "stderr.txt"
    argv = [*lextime(), "serve", "--port", str(port), "--workers", str(workers), "--data-dir", str(data_dir)]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([*argv, *(["--demo"] if demo else [])], stdout=stdout, stderr=stderr, env=env)
    try:
        _wait_healthy(proc, f"http://127.0.0.1:{port}/healthz", err)
        pgdata = data_dir.resolve() / "pgdata"
        postmasters = postmasters_of(pgdata)
        assert len(postmasters) == 1, "one embedded server, owned by the parent, never one per worker"
        server = server_processes_of(pgdata)

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOP_DEADLINE_S) == 0, err.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert [p for p in server if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []
    assert _processes_mentioning(data_dir.resolve()) == []
    printed = out.read_text()
    assert "lextime serve stopped" in printed.splitlines()[-1]
    assert "embedded database stopped" in printed.splitlines()[-1]
    if demo:
        assert re.search(r"^Demo write key: lx_\S+$", printed, re.MULTILINE), printed
