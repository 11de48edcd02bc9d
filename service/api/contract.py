"""What the contract (openapi.yaml) says each operation accepts, read once at start-up, so that the service
refuses what the contract does not list instead of silently ignoring it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from service.config import ROOT

OPENAPI_FILE = ROOT / "openapi.yaml"
_METHODS = ("get", "put", "post", "delete", "patch")


def _deref(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def route_path(spec_path: str) -> str:
    """`/akn/{path}` (OpenAPI) → `/akn/{path:path}` (Starlette), the one path parameter spanning segments."""
    return re.sub(r"\{path\}", "{path:path}", spec_path)


def query_parameters(spec_file: Path = OPENAPI_FILE) -> dict[tuple[str, str], frozenset[str]]:
    """(METHOD, route path) → the names of the query parameters the contract gives the operation; HEAD
    takes GET's."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(spec_file.read_text(encoding="utf-8"), Loader=loader)
    found: dict[tuple[str, str], frozenset[str]] = {}
    for path, item in spec.get("paths", {}).items():
        shared = [_deref(spec, p) for p in item.get("parameters", [])]
        for method in _METHODS:
            if method not in item:
                continue
            params = shared + [_deref(spec, p) for p in item[method].get("parameters", [])]
            names = frozenset(p["name"] for p in params if p.get("in") == "query")
            found[(method.upper(), route_path(path))] = names
            if method == "get":
                found[("HEAD", route_path(path))] = names
    return found
