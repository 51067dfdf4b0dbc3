"""The manifest is a typed record: loading it is its validation, and writing it back gives the
JSON a build writes, key for key and in the same order."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgiassist.chunk import CHUNKER_VERSION
from mgiassist.errors import IndexCorruptError, IndexMismatchError
from mgiassist.index import load_index
from mgiassist.index.manifest import (
    FORMAT_VERSION,
    ArrayRecord,
    FileRecord,
    Manifest,
    ProfileEntry,
    read_manifest,
)
from mgiassist.text.countries import lookup_country
from mgiassist.text.lexical import ANALYSER


def _valid() -> dict[str, Any]:
    """A manifest as a build writes it (every key, in the build's order)."""
    return {
        "format_version": FORMAT_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "analyser": ANALYSER,
        "model_id": "fake-hashing-embedder",
        "dimension": 256,
        "max_tokens": 256,
        "faiss": "flat",
        "hnsw_ef_search": 128,
        "chunk_count": 3,
        "embedding_backend": None,
        "sentence_count": 7,
        "corpus": "../corpus",
        "profiles": {
            "mgi-ghana.txt": {
                "content_hash": "a" * 64,
                "family": "mgi-profile",
                "country": "Ghana",
                "country_code": "GHA",
                "title": "Migration Governance Profile: Ghana",
                "date": "March 2019",
                "chunks": 3,
            }
        },
        "skipped_files": {"broken.pdf": None, "huge.docx": "b" * 64},
        "countries": [lookup_country("Ghana").to_dict()],
        "built_at": "2026-11-23T01:59:32+00:00",
        "files": {"vectors.npy": {"size": 3200, "sha256": "c" * 64}},
        "arrays": {"vectors.npy": {"shape": [3, 256], "dtype": "<f4"}},
    }


def _damage(**changes: Any) -> str:
    """The one-line error for ``_valid()`` with ``changes`` (a value of ``...`` removes the key)."""
    data = _valid()
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    with pytest.raises(IndexCorruptError) as caught:
        Manifest.from_dict(data, "idx")
    message = str(caught.value)
    assert message.startswith("index idx is damaged: manifest.json ") and "\n" not in message
    return message


def test_a_built_manifest_round_trips_byte_for_byte(fake_index) -> None:
    text = (fake_index / "manifest.json").read_text(encoding="utf-8")
    manifest = read_manifest(fake_index)
    assert json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) == text
    assert load_index(fake_index).manifest == manifest
    assert manifest.files["vectors.npy"].size == (fake_index / "vectors.npy").stat().st_size
    assert manifest.arrays["vectors.npy"] == ArrayRecord((manifest.chunk_count, 256), "<f4")


def test_the_typed_fields_hold_the_values_read() -> None:
    manifest = Manifest.from_dict(_valid(), "idx")
    assert (manifest.model_id, manifest.dimension, manifest.faiss) == ("fake-hashing-embedder", 256, "flat")
    assert manifest.profiles["mgi-ghana.txt"] == ProfileEntry(
        content_hash="a" * 64, chunks=3, family="mgi-profile", country="Ghana", country_code="GHA",
        title="Migration Governance Profile: Ghana", date="March 2019",
    )
    assert manifest.files["vectors.npy"] == FileRecord(3200, "c" * 64)
    assert manifest.skipped_files == {"broken.pdf": None, "huge.docx": "b" * 64}
    assert [c.name for c in manifest.country_names()] == ["Ghana"]
    assert manifest.extra == {}


def test_the_record_is_read_only_and_keeps_unknown_keys() -> None:
    data = {**_valid(), "added_later": {"nested": [1, 2]}}
    manifest = Manifest.from_dict(data, "idx")
    with pytest.raises(dataclasses.FrozenInstanceError):
        manifest.model_id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        manifest.profiles["new.txt"] = manifest.profiles["mgi-ghana.txt"]  # type: ignore[index]
    data["profiles"]["mgi-ghana.txt"]["chunks"] = 99  # the record does not share the input
    assert manifest.profiles["mgi-ghana.txt"].chunks == 3
    assert manifest.to_dict() == {**_valid(), "added_later": {"nested": [1, 2]}}


# ---------------------------------------------------------------------------------------------
# Every kind of wrong field is named
# ---------------------------------------------------------------------------------------------

WRONG_FIELDS = {
    "format_version": ("1", "manifest.json has no integer format_version"),
    "chunker_version": (None, None),  # another version: a mismatch, not damage (below)
    "model_id": ("", "field model_id should be a non-empty string, not str \"\""),
    "dimension": (0, "field dimension should be a positive integer, not int 0"),
    "max_tokens": (True, "field max_tokens should be a positive integer, not bool true"),
    "faiss": ("ivf", "field faiss should be one of flat, hnsw, not str \"ivf\""),
    "hnsw_ef_search": (1.5, "field hnsw_ef_search should be a positive integer, not float 1.5"),
    "chunk_count": ("3", "field chunk_count should be an integer ≥ 0, not str \"3\""),
    "embedding_backend": (3, "field embedding_backend should be a string or null, not int 3"),
    "sentence_count": (-1, "field sentence_count should be an integer ≥ 0, not int -1"),
    "corpus": (None, "field corpus should be a string, not null null"),
    "profiles": (["a"], "field profiles should be an object, not list [\"a\"]"),
    "skipped_files": ([], "field skipped_files should be an object, not list []"),
    "countries": ({}, "field countries should be a list, not dict {}"),
    "built_at": (20261123, "field built_at should be a string, not int 20261123"),
    "files": ("x", "field files should be an object, not str \"x\""),
    "arrays": (None, "field arrays should be an object, not null null"),
}


@pytest.mark.parametrize("name", [n for n, (_, phrase) in WRONG_FIELDS.items() if phrase])
def test_a_field_of_the_wrong_type_is_named(name: str) -> None:
    value, phrase = WRONG_FIELDS[name]
    assert phrase in _damage(**{name: value})


REQUIRED = ["model_id", "dimension", "max_tokens", "faiss", "hnsw_ef_search", "chunk_count",
            "corpus", "profiles", "skipped_files", "countries", "files", "arrays"]


@pytest.mark.parametrize("name", REQUIRED)
def test_a_missing_field_is_named(name: str) -> None:
    assert f"manifest.json has no {name};" in _damage(**{name: ...})


@pytest.mark.parametrize("name", ["embedding_backend", "sentence_count", "built_at"])
def test_an_optional_field_may_be_missing(name: str) -> None:
    data = _valid()
    del data[name]
    assert getattr(Manifest.from_dict(data, "idx"), name) is None


WRONG_ENTRIES = {
    "a profile without chunks": (
        {"profiles": {"p.txt": {"content_hash": "a"}}},
        "entry profiles['p.txt'] needs a content_hash string and chunks integer",
    ),
    "a profile that is no object": (
        {"profiles": {"p.txt": "a"}},
        "entry profiles['p.txt'] needs a content_hash string and chunks integer",
    ),
    "a profile's family of the wrong type": (
        {"profiles": {"p.txt": {"content_hash": "a", "chunks": 1, "family": 3}}},
        "entry profiles['p.txt'] field family should be a string or null",
    ),
    "a skipped file's hash of the wrong type": (
        {"skipped_files": {"x.pdf": 3}},
        "entry skipped_files['x.pdf'] should be a hash string or null",
    ),
    "a country without a name": (
        {"countries": [{"alpha_3": "GHA"}]},
        "field countries should list objects with a name",
    ),
    "a file without a checksum": (
        {"files": {"vectors.npy": {"size": 3}}},
        "entry files['vectors.npy'] needs a size integer and a sha256 string",
    ),
    "a file outside the folder": (
        {"files": {"../vectors.npy": {"size": 3, "sha256": "c"}}},
        "entry files['../vectors.npy'] needs a size integer and a sha256 string",
    ),
    "an array with a negative dimension": (
        {"arrays": {"vectors.npy": {"shape": [-3], "dtype": "<f4"}}},
        "entry arrays['vectors.npy'] needs a shape list and a dtype string",
    ),
    "an array without a dtype": (
        {"arrays": {"vectors.npy": {"shape": [3]}}},
        "entry arrays['vectors.npy'] needs a shape list and a dtype string",
    ),
}


@pytest.mark.parametrize("case", list(WRONG_ENTRIES))
def test_an_entry_of_the_wrong_type_is_named(case: str) -> None:
    changes, phrase = WRONG_ENTRIES[case]
    assert f"manifest.json {phrase};" in _damage(**changes)


def test_many_problems_show_four_then_how_many_more() -> None:
    message = _damage(model_id=..., dimension=..., max_tokens=..., faiss=..., corpus=...)
    assert message.count("manifest.json has no") == 4 and "; and 1 more; run `mgiassist index`" in message
    files = {f"f{i}": {"size": "x"} for i in range(9)}
    assert "; and 1 more;" in _damage(files=files)  # entries: the first five problems


@pytest.mark.parametrize("data", [[], "manifest", {"format_version": "2"}, {"model_id": "m"}])
def test_a_manifest_without_an_integer_format_version_is_damaged(data: Any) -> None:
    with pytest.raises(IndexCorruptError, match="manifest.json has no integer format_version"):
        Manifest.from_dict(data, "idx")


@pytest.mark.parametrize("key, value", [("format_version", 1), ("chunker_version", "x"), ("analyser", "old")])
def test_another_version_is_a_mismatch_before_any_field_is_checked(key: str, value: Any) -> None:
    data = {"format_version": FORMAT_VERSION, "chunker_version": CHUNKER_VERSION, "analyser": ANALYSER}
    data[key] = value
    with pytest.raises(IndexMismatchError, match="built by another mgiassist version") as raised:
        Manifest.from_dict(data, "idx")
    # the one-line error names what differs, and only that
    name = key.split("_")[0]
    assert f"{name} {value}" in str(raised.value)
    assert all(other not in str(raised.value) for other in ("format", "chunker", "analyser") if other != name)


# ---------------------------------------------------------------------------------------------
# Round trips of generated manifests
# ---------------------------------------------------------------------------------------------

_text = st.text(max_size=12)
_optional_text = st.none() | _text
_count = st.integers(min_value=0, max_value=10**9)
_names = st.from_regex(r"[a-z][a-z0-9_-]{0,10}(/[a-z0-9_-]{1,8})?\.(txt|md|pdf|npy|json)", fullmatch=True)



def _objects(**values: st.SearchStrategy) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects with these keys in this order (fixed_dictionaries does not keep the order)."""
    return st.tuples(*values.values()).map(lambda drawn: dict(zip(values, drawn)))


_profile_entry = _objects(
    content_hash=st.text(alphabet="0123456789abcdef", min_size=1, max_size=64),
    family=_optional_text,
    country=_optional_text,
    country_code=_optional_text,
    title=_optional_text,
    date=_optional_text,
    chunks=_count,
)


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, Any]:
    data = _valid()
    data.update(
        model_id=draw(st.text(min_size=1, max_size=20)),
        dimension=draw(st.integers(min_value=1, max_value=4096)),
        max_tokens=draw(st.integers(min_value=1, max_value=8192)),
        faiss=draw(st.sampled_from(["flat", "hnsw"])),
        hnsw_ef_search=draw(st.integers(min_value=1, max_value=1024)),
        chunk_count=draw(_count),
        embedding_backend=draw(st.none() | st.sampled_from(["onnx", "torch", "onnx-int8"])),
        sentence_count=draw(_count),
        corpus=draw(_text),
        profiles=draw(st.dictionaries(_names, _profile_entry, max_size=5)),
        skipped_files=draw(st.dictionaries(_names, _optional_text, max_size=3)),
        countries=draw(st.lists(st.sampled_from(["Ghana", "Kenya", "Cambodia"]), unique=True).map(
            lambda names: [lookup_country(n).to_dict() for n in names])),
        built_at=draw(_text),
        files=draw(st.dictionaries(_names, _objects(size=_count, sha256=_text), max_size=4)),
        arrays=draw(st.dictionaries(_names, _objects(
            shape=st.lists(_count, max_size=3), dtype=st.sampled_from(["<f4", "<i8", "|u1"])
        ), max_size=3)),
    )
    for name in ("sentence_count", "built_at"):  # left out by an older build
        if draw(st.booleans()):
            del data[name]
    return data


@settings(max_examples=50, deadline=None)
@given(manifests())
def test_a_valid_manifest_round_trips_unchanged(data: dict[str, Any]) -> None:
    manifest = Manifest.from_dict(data, "idx")
    written = manifest.to_dict()
    assert written == data
    assert json.dumps(written, ensure_ascii=False) == json.dumps(data, ensure_ascii=False)  # same order
    assert Manifest.from_dict(json.loads(json.dumps(written)), "idx") == manifest
    assert {s: p.content_hash for s, p in manifest.profiles.items()} == {
        s: p["content_hash"] for s, p in data["profiles"].items()
    }
