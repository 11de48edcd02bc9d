"""The manifest and its path templates (no database): the spec's test vectors, the fallback, what a consumer
must refuse, and (hypothesis) that filling a template is Python's `str.format` of the spec, or a refusal."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.legalize.errors import LegalizeError
from service.legalize.manifest import FLAT, SHARDED, id_sha1_2, law_path, manifest_text, parse_manifest


@pytest.mark.parametrize(("identifier", "shard"), [("BOE-A-1978-31229", "bb"), ("SFS-1962-700", "8a"),
                                                   ("LEGITEXT000006069414", "0c")])
def test_the_specs_vectors(identifier: str, shard: str) -> None:
    assert id_sha1_2(identifier) == shard


def test_no_manifest_is_the_flat_layout_of_jurisdiction_else_country() -> None:
    m = parse_manifest(None)
    assert not m.declared and m.template_for("anything") == FLAT
    assert law_path(FLAT, {"identifier": "O-R-153-2018", "country": "pe", "jurisdiction": "pe-cus"}) == \
        "pe-cus/O-R-153-2018.md"
    assert law_path(FLAT, {"identifier": "-139-1999", "country": "pe"}) == "pe/-139-1999.md"


def test_a_named_directory_wins_over_the_rest_wherever_it_is() -> None:
    m = parse_manifest('spec_version: "0.4"\ncountry: pt\nlayout:\n'
                       '  - directories: ["*"]\n    path: "{directory}/{identifier}.md"\n'
                       '  - directories: ["pt"]\n    path: "{directory}/{id_sha1_2}/{identifier}.md"\n')
    assert m.template_for("pt") == SHARDED and m.template_for("pt-20") == FLAT
    assert parse_manifest(manifest_text("kz")).template_for("kz") == SHARDED


@pytest.mark.parametrize(("text", "error"), [
    ('spec_version: "1.0"\nlayout: [{directories: ["*"], path: "{identifier}.md"}]', "newer"),
    ('spec_version: "0.10"\nlayout: [{directories: ["*"], path: "{identifier}.md"}]', "newer"),
    ('layout: [{directories: ["*"], path: "{identifier}.md"}]', "no spec_version"),
    ('spec_version: "zero"\nlayout: [{directories: ["*"], path: "{identifier}.md"}]', "not a version"),
    ('spec_version: "0.4"\nlayout: []', "non-empty"),
    ('spec_version: "0.4"\nlayout: [{directories: ["*", "es"], path: "{identifier}.md"}]', "mixes"),
    ('spec_version: "0.4"\nlayout: [{directories: ["*"], path: "a"}, {directories: ["*"], path: "b"}]', "at most one"),
    ('spec_version: "0.4"\nlayout: [{directories: ["*"], path: "{identifier.upper}.md"}]', "plain placeholder"),
    ('spec_version: "0.4"\nlayout: [{directories: ["*"], path: "{identifier!r}.md"}]', "plain placeholder"),
    ('spec_version: "0.4"\nlayout: [{directories: ["*"], path: "{identifier"}]', "cannot be parsed"),
    ("[unclosed", "not valid YAML"),
])
def test_what_a_consumer_refuses(text: str, error: str) -> None:
    with pytest.raises(LegalizeError, match=error):
        parse_manifest(text)


def test_an_older_version_is_read() -> None:
    assert parse_manifest('spec_version: "0.3"\nlayout: [{directories: ["*"], path: "{directory}/{identifier}.md"}]'
                          ).spec_version == "0.3"


def test_front_matter_fields_fill_placeholders_and_unknown_ones_stop() -> None:
    front = {"identifier": "DRE-1998-315", "country": "pt", "year": 1998}
    assert law_path("{directory}/{year}/{identifier}.md", front) == "pt/1998/DRE-1998-315.md"
    with pytest.raises(LegalizeError, match=r"\{series\}"):
        law_path("{directory}/{series}/{identifier}.md", front)


@pytest.mark.parametrize("bad", ["a/b", "a\\b", "..", ".", "", "  ", "x\x00y"])
def test_a_value_must_be_one_path_segment(bad: str) -> None:
    with pytest.raises(LegalizeError, match="segment|needs"):
        law_path(FLAT, {"identifier": bad, "country": "pe"})


segments = st.text(st.characters(blacklist_characters="/\\\x00", blacklist_categories=("Cs",)), min_size=1,
                   max_size=30).filter(lambda s: s.strip().strip(".") != "" and s == s.strip())


@given(identifier=segments, directory=segments)
def test_filling_a_template_is_the_specs_str_format(identifier: str, directory: str) -> None:
    values = {"directory": directory, "identifier": identifier,
              "id_sha1_2": hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:2]}
    front = {"identifier": identifier, "country": "zz", "jurisdiction": directory}
    for template in (FLAT, SHARDED):
        assert law_path(template, front) == template.format(**values)
