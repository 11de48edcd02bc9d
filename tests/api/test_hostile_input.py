"""Hostile input never gets past the parsers as anything but a 4xx problem: random strings into every
parameter parser, and SQL only ever through bound parameters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from service.api.akn import _split
from service.api.params import decode_cursor, encode_cursor, language, query_int, query_seq, query_string
from service.domain.dates import parse_date
from service.domain.errors import Invalid
from service.domain.units import check_eid
from service.errors import Problem

REPO = Path(__file__).resolve().parent.parent.parent
EXPECTED = (Problem, Invalid)


class FakeRequest:
    def __init__(self, **params: str) -> None:
        self.query_params = QueryParams(params)


def refused_or_ok(call: object, *args: object, **kwargs: object) -> None:
    try:
        call(*args, **kwargs)  # type: ignore[operator]
    except EXPECTED:
        pass


@given(st.text())
def test_any_string_is_a_date_or_a_400(value: str) -> None:
    refused_or_ok(parse_date, value, field="date")


@given(st.text(max_size=300) | st.from_regex(r"[A-Za-z0-9_=-]{0,200}", fullmatch=True))
def test_any_string_is_a_cursor_or_a_400(value: str) -> None:
    try:
        after = decode_cursor(value)
    except Problem as problem:
        assert problem.slug == "invalid-cursor"
    else:
        assert decode_cursor(encode_cursor(after)) == after


@given(st.text())
def test_any_string_is_a_language_an_eid_or_a_400(value: str) -> None:
    refused_or_ok(language, value)
    refused_or_ok(check_eid, value, field="eId")


@given(st.text())
def test_any_string_is_a_number_a_seq_a_filter_or_a_400(value: str) -> None:
    request = FakeRequest(limit=value, as_of=value, q=value)
    refused_or_ok(query_int, request, "limit", default=50, low=1, high=500)
    refused_or_ok(query_seq, request, "as_of")
    refused_or_ok(query_string, request, "q")


@pytest.mark.parametrize(("raw", "seq"), [("0", 0), ("42", 42), (str(2**63 - 1), 2**63 - 1)])
def test_seqs(raw: str, seq: int) -> None:
    assert query_seq(FakeRequest(as_of=raw), "as_of") == seq  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["-1", "+1", " 1", "1.0", "1e3", str(2**63), "١٢", ""])
def test_bad_seqs(raw: str) -> None:
    with pytest.raises(Problem) as refused:
        query_seq(FakeRequest(as_of=raw), "as_of")  # type: ignore[arg-type]
    assert refused.value.extra["invalid_params"][0]["name"] == "as_of"


@given(st.text())
def test_any_akn_path_is_split_or_a_404(path: str) -> None:
    try:
        _split(path)
    except Problem as problem:
        assert problem.status == 404


_QUERY_CALLS = {"execute", "executemany", "fetch", "fetchrow", "fetchval", "cursor", "prepare", "copy_to_table"}


def _dynamic_sql(node: ast.Call) -> bool:
    """A driver call whose SQL is built in place (an f-string, % or .format, or + of strings)."""
    if not node.args:
        return False
    sql = node.args[0]
    if isinstance(sql, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in sql.values)
    if isinstance(sql, ast.BinOp) and isinstance(sql.op, (ast.Mod, ast.Add)):
        return True
    return isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute) and sql.func.attr == "format"


# The snapshot loader copies every fact table generically: table and column names come from the database's
# own catalog and are quoted (`snapshot._ident`), never from a request; values still go as $n parameters.
IDENTIFIER_TEMPLATES = {"service/store/snapshot.py": {"table", "columns", "order"}, "snapshot.sql": {"table", "columns", "order"}}


def test_sql_only_through_bound_parameters() -> None:
    """Every query of the service is a named query or a constant, its values passed as $n parameters."""
    found = []
    for path in sorted((REPO / "service").rglob("*.py")):
        if str(path.relative_to(REPO)) in IDENTIFIER_TEMPLATES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _QUERY_CALLS and _dynamic_sql(node)):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []
    # And the named queries take their values as parameters, never as text spliced in.
    for path in (REPO / "sql" / "queries").glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"%s|%\(\w+\)s", text), path.name
        names = set(re.findall(r"\{(\w*)\}", re.sub(r"'[^']*'", "", text)))
        assert names <= IDENTIFIER_TEMPLATES.get(path.name, set()), (path.name, names)
