"""The repository manifest, `.legalize.yml`: the spec version a repository follows and where each law's file
lives (a path template per group of directories). A repository without one is read as `{directory}/{identifier}.md`.

Templates are filled strictly: a placeholder that is neither a derived value (`directory`, `identifier`,
`id_sha1_2`) nor a key of the law's front matter stops the import, and so does a value that is not one path
segment. A wrong path would be a law that silently disappears.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import yaml

from service.legalize.errors import LegalizeError

SPEC_VERSION = "0.4"
IMPLEMENTED = (0, 4)
FLAT = "{directory}/{identifier}.md"
SHARDED = "{directory}/{id_sha1_2}/{identifier}.md"
MANIFEST_FILE = ".legalize.yml"
ANY = "*"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VERSION = re.compile(r"([0-9]+)\.([0-9]+)(?:\.([0-9]+))?")
_FORBIDDEN = ("/", "\\", "\x00")
DERIVED = ("directory", "identifier", "id_sha1_2")


@dataclass(frozen=True)
class LayoutEntry:
    directories: tuple[str, ...]  # ("*",) covers the directories no other entry names
    path: str


@dataclass(frozen=True)
class Manifest:
    spec_version: str
    country: str | None
    layout: tuple[LayoutEntry, ...]
    declared: bool  # False: the repository has no manifest and is read with the v0.4 fallback

    def template_for(self, directory: str) -> str:
        """The path template of a directory: an entry naming it wins over `*`; no entry is an error."""
        named = [e for e in self.layout if directory in e.directories]
        rest = [e for e in self.layout if e.directories == (ANY,)]
        entries = named or rest
        if not entries:
            raise LegalizeError(f"{MANIFEST_FILE}: no layout entry covers the directory {directory!r}")
        return entries[0].path


FALLBACK = Manifest(SPEC_VERSION, None, (LayoutEntry((ANY,), FLAT),), declared=False)


def id_sha1_2(identifier: str) -> str:
    """The first two hex digits of the SHA-1 of the identifier's UTF-8 bytes: the shard of its file."""
    return hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:2]


def _version(text: object) -> tuple[int, int]:
    m = _VERSION.fullmatch(str(text).strip()) if isinstance(text, str | int | float) else None
    if m is None:
        raise LegalizeError(f"{MANIFEST_FILE}: spec_version {text!r} is not a version such as \"0.4\"")
    return int(m.group(1)), int(m.group(2))


def _entry(raw: object, i: int) -> LayoutEntry:
    if not isinstance(raw, dict) or set(raw) - {"directories", "path"}:
        raise LegalizeError(f"{MANIFEST_FILE}: layout[{i}] must be a mapping of directories and path")
    dirs, path = raw.get("directories"), raw.get("path")
    if not isinstance(dirs, list) or not dirs or not all(isinstance(d, str) and d for d in dirs):
        raise LegalizeError(f"{MANIFEST_FILE}: layout[{i}].directories must be a non-empty list of names")
    if ANY in dirs and len(dirs) > 1:
        raise LegalizeError(f"{MANIFEST_FILE}: layout[{i}] mixes \"*\" with named directories")
    if not isinstance(path, str) or not path:
        raise LegalizeError(f"{MANIFEST_FILE}: layout[{i}].path must be a path template")
    placeholders(path)  # refuses a template that cannot be parsed
    return LayoutEntry(tuple(dirs), path)


def parse_manifest(text: str | None) -> Manifest:
    """The manifest from the text of `.legalize.yml` (None: the repository has none)."""
    if text is None:
        return FALLBACK
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LegalizeError(f"{MANIFEST_FILE} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise LegalizeError(f"{MANIFEST_FILE} must be a mapping")
    version = raw.get("spec_version")
    if version is None:
        raise LegalizeError(f"{MANIFEST_FILE} has no spec_version")
    if _version(version) > IMPLEMENTED:
        raise LegalizeError(f"{MANIFEST_FILE}: spec_version {version} is newer than {SPEC_VERSION}, the version "
                            "Lextime implements; a newer layout read with older rules gives wrong paths")
    layout = raw.get("layout")
    if not isinstance(layout, list) or not layout:
        raise LegalizeError(f"{MANIFEST_FILE}: layout must be a non-empty list")
    entries = tuple(_entry(e, i) for i, e in enumerate(layout))
    if sum(1 for e in entries if e.directories == (ANY,)) > 1:
        raise LegalizeError(f"{MANIFEST_FILE}: at most one layout entry may use \"*\"")
    country = raw.get("country")
    return Manifest(str(version), str(country) if country is not None else None, entries, declared=True)


def placeholders(template: str) -> list[str]:
    """The placeholder names of a template, refusing anything but plain names (no attributes, no formats)."""
    names = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise LegalizeError(f"path template {template!r} cannot be parsed: {exc}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _NAME.fullmatch(name) or spec or conversion:
            raise LegalizeError(f"path template {template!r}: {{{name}}} is not a plain placeholder name")
        names.append(name)
    return names


def directory_of(front: Mapping[str, object]) -> str | None:
    """A law's directory: its jurisdiction when it has one, else its country."""
    for key in ("jurisdiction", "country"):
        value = front.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _segment(name: str, value: object, whose: str) -> str:
    text = (value.isoformat() if isinstance(value, date) else str(value)).strip()
    if not text or text.strip(".") == "" or any(c in text for c in _FORBIDDEN):
        raise LegalizeError(f"{whose}: {{{name}}} = {text!r} is not a single path segment")
    return text


def _value(name: str, front: Mapping[str, object], whose: str) -> str:
    identifier = front.get("identifier")
    if name == "directory":
        raw: object = directory_of(front)
    elif name == "identifier":
        raw = identifier
    elif name == "id_sha1_2":
        raw = id_sha1_2(str(identifier)) if identifier is not None else None
    else:
        raw = front.get(name)
    if raw is None or isinstance(raw, dict | list):
        raise LegalizeError(f"{whose}: the path template needs {{{name}}}, which is neither a value the spec "
                            "derives nor a field of this law's front matter")
    return _segment(name, raw, whose)


def law_path(template: str, front: Mapping[str, object]) -> str:
    """Where a law's file lives, from the template and the law's own front matter."""
    whose = str(front.get("identifier") or "?")
    out = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            placeholders("{" + name + "}")
            out.append(_value(name, front, whose))
    return "".join(out)


def manifest_text(country: str, template: str = SHARDED) -> str:
    """A `.legalize.yml` declaring one layout for every directory."""
    return (
        f"# Legalize Format Spec v{SPEC_VERSION}: where each law's file lives. A placeholder is a value the spec\n"
        f"# derives ({', '.join(DERIVED)}) or a key of the law's own front matter.\n"
        f"# Written by Lextime's export-git.\n\n"
        f"spec_version: \"{SPEC_VERSION}\"\n"
        f"country: \"{country}\"\n\n"
        f"layout:\n"
        f"  - directories: [\"*\"]\n"
        f"    path: \"{template}\"\n"
    )
