"""docker-compose.yml and the Dockerfile agree with the application: the settings they pass exist,
the published port is the one served, and the service reaches the database service it names."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from service.cli import DEFAULT_PORT, build_parser

REPO = Path(__file__).resolve().parent.parent


def _interpolate(value: str) -> str:
    """Compose's `${VAR:-default}` / `${VAR}`, resolved with the defaults (as on a machine without them)."""
    return re.sub(r"\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}", lambda m: m.group(2) or "", value)


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): _interpolate(str(v)) for k, v in env.items()}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def app_service(compose: dict[str, Any]) -> dict[str, Any]:
    built: list[dict[str, Any]] = [s for s in compose["services"].values() if "build" in s]
    assert len(built) == 1, "exactly one service is built from this repository"
    return built[0]


@pytest.fixture(scope="module")
def db_name(compose: dict[str, Any]) -> str:
    names = [str(n) for n, s in compose["services"].items() if str(s.get("image", "")).startswith("postgres:")]
    assert len(names) == 1
    return names[0]


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    return (REPO / "Dockerfile").read_text().splitlines()


def _instruction(lines: list[str], keyword: str) -> str:
    found = [line[len(keyword) :].strip() for line in lines if line.startswith(keyword + " ")]
    assert found, f"the Dockerfile has no {keyword}"
    return found[-1]


def _cmd(lines: list[str]) -> list[str]:
    cmd = json.loads(_instruction(lines, "CMD"))  # exec form: lextime is PID 1 and gets SIGTERM itself
    assert isinstance(cmd, list)
    return [str(part) for part in cmd]


def _served_port(lines: list[str]) -> int:
    cmd = _cmd(lines)
    assert cmd[:2] == ["lextime", "serve"]
    args = build_parser().parse_args(cmd[1:])
    assert args.host == "0.0.0.0", "inside a container the service must listen beyond loopback"
    return int(args.port)


def _settings_names() -> set[str]:
    source = (REPO / "service" / "config.py").read_text()
    return set(re.findall(r'"((?:DATABASE|LEXTIME)_[A-Z0-9_]+)"', source))


def test_dockerfile_base_and_command(dockerfile: list[str]) -> None:
    assert _instruction(dockerfile, "FROM") == "python:3.11-slim"
    assert str(_served_port(dockerfile)) in _instruction(dockerfile, "EXPOSE").split()


def test_dockerfile_copies_files_that_exist(dockerfile: list[str]) -> None:
    for line in dockerfile:
        if line.startswith("COPY "):
            *sources, _destination = line.split()[1:]
            for source in sources:
                assert (REPO / source).exists(), f"the image build would fail: {source} is missing"


def test_dockerfile_healthcheck_asks_the_served_port(dockerfile: list[str]) -> None:
    healthcheck = " ".join(line for line in dockerfile if "HEALTHCHECK" in line or "/healthz" in line)
    assert f":{_served_port(dockerfile)}/healthz" in healthcheck


def test_dockerfile_environment_names_exist_in_settings(dockerfile: list[str]) -> None:
    text = "\n".join(dockerfile)
    names = set(re.findall(r"\b((?:DATABASE|LEXTIME)_[A-Z0-9_]+)=", text))
    assert names <= _settings_names()


def test_service_environment_names_exist_in_settings(app_service: dict[str, Any]) -> None:
    assert set(_environment(app_service)) <= _settings_names()
    assert "DATABASE_URL" in _environment(app_service), "in compose the service must use the postgres service"


def test_published_port_is_the_served_port(app_service: dict[str, Any], dockerfile: list[str]) -> None:
    published = [str(p) for p in app_service["ports"]]
    assert len(published) == 1
    host_port, container_port = published[0].rsplit(":", 2)[-2:]
    assert int(container_port) == _served_port(dockerfile)
    assert int(host_port) == DEFAULT_PORT


def test_database_url_reaches_the_postgres_service(
    compose: dict[str, Any], app_service: dict[str, Any], db_name: str
) -> None:
    url = urlsplit(_environment(app_service)["DATABASE_URL"])
    db_env = _environment(compose["services"][db_name])
    assert url.scheme in ("postgresql", "postgres")
    assert url.hostname == db_name
    assert (url.port or 5432) == 5432
    assert url.username == db_env.get("POSTGRES_USER", "postgres")
    assert url.password == db_env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db_env.get("POSTGRES_DB", url.username)


def test_service_waits_for_a_healthy_database(
    compose: dict[str, Any], app_service: dict[str, Any], db_name: str
) -> None:
    assert app_service["depends_on"][db_name]["condition"] == "service_healthy"
    test = compose["services"][db_name]["healthcheck"]["test"]
    command = test if isinstance(test, str) else " ".join(test[1:])
    assert "pg_isready" in command
    db_env = _environment(compose["services"][db_name])
    args = shlex.split(command)
    assert args[args.index("-U") + 1] == db_env["POSTGRES_USER"]


def test_postgres_18_data_volume_is_where_the_image_keeps_it(compose: dict[str, Any], db_name: str) -> None:
    db = compose["services"][db_name]
    assert db["image"] == "postgres:18"
    targets = [str(v).split(":")[1] for v in db.get("volumes", [])]
    # PostgreSQL 18 images keep PGDATA in /var/lib/postgresql/18/docker; a mount at …/data is refused.
    assert targets == ["/var/lib/postgresql"]
    named = str(db["volumes"][0]).split(":")[0]
    assert named in compose.get("volumes", {})


def test_stop_grace_period_outlasts_graceful_shutdown(app_service: dict[str, Any]) -> None:
    from service.cli import GRACEFUL_SHUTDOWN_S

    grace = str(app_service.get("stop_grace_period", "10s"))
    assert grace.endswith("s") and int(grace[:-1]) > GRACEFUL_SHUTDOWN_S
