"""The operator's side of the docs and CI: README's "Operating Lextime" covers what the issue asks, and CI
runs the fault and contract tests (they are marked, never deselected there)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ci_runs_the_fault_and_contract_tests() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    addopts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    for marker in ("faults", "contract"):
        assert not re.search(rf"not\s+{marker}", ci + addopts), f"CI must not deselect the {marker} tests"
    assert re.search(r"^\s*pytest\s*$", ci, re.MULTILINE), "CI runs the whole suite"


def test_readme_has_an_operating_section() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Operating Lextime", 1)[1].split("\n## ", 1)[0]
    for topic in ("**Keys.**", "**Roles.**", "**Limits.**", "**When the database goes away.**", "lextime keys revoke",
                  "LEXTIME_APP_DATABASE_URL", "429", "Retry-After", "/readyz"):
        assert topic in section, topic
