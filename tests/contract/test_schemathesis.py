"""schemathesis against the live service, from openapi.yaml: every operation, a bounded number of generated
requests each (schema-valid and schema-violating ones), with the Concept recorded first so that the
contract's examples hit real acts. No 5xx, no status code the contract does not document for the operation,
no response outside its schema, no wrong media type or missing header, and no schema-violating request
accepted."""

from __future__ import annotations

import asyncio
import itertools
import os
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import InvalidArgument, Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Api, start_server
from tests.test_openapi import SPEC_FILE, record_the_concept

pytestmark = pytest.mark.contract

EXAMPLES_PER_OPERATION = int(os.environ.get("LEXTIME_SCHEMATHESIS_EXAMPLES", "40"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
# Rate limits off: the point here is what each operation answers, not how often.
UNLIMITED = {"LEXTIME_WRITE_RATE_PER_MINUTE": "0", "LEXTIME_EXPENSIVE_RATE_PER_MINUTE": "0",
             "LEXTIME_METRICS": "public"}


@dataclass
class Findings:
    calls: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    ungenerated: list[str] = field(default_factory=list)


def fuzz(base_url: str, auth: dict[str, str]) -> Findings:
    """Run schemathesis over every operation (in this thread: its client is synchronous)."""
    schema = schemathesis.openapi.from_path(SPEC_FILE)
    findings = Findings()
    session = requests.Session()
    for result, mode in itertools.product(schema.get_all_operations(), GenerationMode):
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path} ({mode.value})"

        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            findings.calls += 1
            case.call_and_validate(base_url=base_url, session=session, headers=auth, checks=CHECKS, timeout=30)

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE, f"{label}: no request could be generated"
            # Nothing of this operation can be made schema-violating (no parameters, no body).
        except InvalidArgument as exc:
            # A negated `maxLength: 1000000` asks for a longer string than Hypothesis makes; the oversized
            # texts are covered by tests/api/test_errors.py and the positive run of the same operation.
            assert mode is GenerationMode.NEGATIVE and "larger than Hypothesis supports" in str(exc), str(exc)
            findings.ungenerated.append(label)
        except Exception as exc:  # noqa: BLE001 - every finding is reported, per operation
            findings.failures[label] = str(exc)[:3000]
    return findings


async def test_the_live_service_conforms_to_its_contract(api: Api) -> None:
    await record_the_concept(api)
    server, task, base = await start_server(api.dsn, **UNLIMITED)
    try:
        findings = await asyncio.to_thread(fuzz, base, api.auth)
    finally:
        server.should_exit = True
        await task
    assert findings.calls > 0
    # These bodies hold texts of up to a million characters; whether Hypothesis tries to negate that bound
    # depends on its derandomised draws, which move whenever the contract gains an operation. Their oversized
    # texts are refused in tests/api/test_errors.py, test_amendments_errors.py and test_corrections.py.
    assert set(findings.ungenerated) <= {"POST /v1/acts/{act_id}/editions (negative)",
                                         "POST /v1/acts/{act_id}/amendments (negative)",
                                         "POST /v1/corrections (negative)"}, findings.ungenerated
    assert not findings.failures, "\n\n".join(f"{op}:\n{text}" for op, text in findings.failures.items())
