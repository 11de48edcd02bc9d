"""Requisites that travel beside a Markdown conversion: meta.yaml (or the file's front matter) with
act_code, requisite (the details line), title {rus, kaz}, form, approved_on, version_date {kaz, rus},
source."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from .dates import parse_date
from .errors import AdiletParseError
from .model import DocumentMeta

_LANGUAGES = {"rus": "ru", "ru": "ru", "kaz": "kk", "kk": "kk", "kz": "kk"}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split()) or None
    return None


def _per_language(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {_LANGUAGES[str(k).lower()]: v for k, v in value.items() if str(k).lower() in _LANGUAGES}
    return {}


def parse_meta(text: str, *, source: str = "meta.yaml", first_line: int = 1) -> DocumentMeta:
    """The requisites a meta.yaml gives; invalid YAML is an AdiletParseError naming its line."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + first_line) if mark is not None else first_line
        raise AdiletParseError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", line=line, source=source) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AdiletParseError("meta is not a mapping of requisites", line=first_line, source=source)
    titles = {lang: t for lang, v in _per_language(data.get("title")).items() if (t := _text(v))}
    versions = {lang: d for lang, v in _per_language(data.get("version_date")).items() if (d := _date(v))}
    requisite = data.get("requisite")
    requisites = {lang: t for lang, v in _per_language(requisite).items() if (t := _text(v))}
    if isinstance(requisite, dict):
        requisite = requisites.get("ru", requisites.get("kk"))
    return DocumentMeta(
        act_code=_text(data.get("act_code")),
        requisite=_text(requisite),
        titles=tuple(sorted(titles.items())),
        form=_text(data.get("form")),
        approved_on=_date(data.get("approved_on")),
        version_dates=tuple(sorted(versions.items())),
        source=_text(data.get("source")),
        requisites=tuple(sorted(requisites.items())),
    )

