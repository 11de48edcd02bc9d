"""The README's examples answer as the README shows, against the demo act."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.demo import load_demo
from tests.conftest import Api

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"^curl -s '?http://127\.0\.0\.1:8000(?P<path>/akn/[^' ]+)'?\n# → (?P<shown>.+)$", re.MULTILINE)
V1 = re.compile(r'^curl -s "http://127\.0\.0\.1:8000(?P<path>/v1/acts/\$ID[^"]*)"$', re.MULTILINE)


def test_readme_has_the_examples() -> None:
    assert len(EXAMPLE.findall(README)) >= 5
    assert len(V1.findall(README)) >= 5


@pytest.mark.parametrize("path, shown", EXAMPLE.findall(README))
async def test_akn_examples_answer_as_shown(api: Api, path: str, shown: str) -> None:
    await load_demo(api.dsn)
    r = await api.get(path)
    assert r.status_code == 200, r.text
    # Every "key": "value" pair the README shows is in the answer.
    for key, value in re.findall(r'"(\w+)": "([^"…]+)"', shown):
        assert f'"{key}":"{value}"' in r.text, (key, value)
    for key in re.findall(r'"(\w+)": null', shown):
        assert f'"{key}":null' in r.text, key


async def test_v1_examples_and_the_error_example(api: Api) -> None:
    act_id = await load_demo(api.dsn)
    for path in V1.findall(README):
        r = await api.get(path.replace("$ID", act_id))
        if "2021-13-01" in path:
            assert r.status_code == 400 and r.json()["detail"] == "date is not a real calendar date: '2021-13-01'"
            assert r.json()["type"] == "urn:lextime:problem:invalid-request"
        else:
            assert r.status_code == 200, (path, r.text)
