"""No input to the feed, history and audit reads gives a 500: whatever the query, the answer is a page
or a problem document."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Api

PATHS = ["/v1/changes", "/v1/changes.atom", "/v1/audit/checkpoints", "/v1/audit/proof", "/v1/acts",
         "/v1/acts/01ARZ3NDEKTSV4RRFFQ69G5FAV/ledger", "/v1/snapshot"]
NAMES = ["after", "limit", "as_of", "act", "operation", "include", "act_id", "date", "lang", "wait"]
VALUES = st.one_of(st.text(max_size=30), st.integers(-10, 10**20).map(str),
                   st.sampled_from(["0", "1", "texts", "2024-03-01T12:00:00Z", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                                    "create_act,retract", "\u0000", "%", "2024-02-30", "ru"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), params=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=4))
async def test_no_query_gives_a_500(api: Api, path: str, params: dict[str, str]) -> None:
    if params.get("wait") not in (None, "0"):
        del params["wait"]  # a valid wait would only make the test slow
    r = await api.get(path, params=params)
    assert r.status_code in (200, 400, 404), (path, params, r.status_code, r.text[:300])
    if r.status_code != 200:
        assert r.headers["content-type"] == "application/problem+json"
