"""One test per kind of damage: `index --check` names it, `search` fails with one `error:` line
and exit 2, the page starts with a one-line reason, and `index` (without --force) repairs it.

The CLI runs with the built-in hashing embedder (`--model hashing:64`), so no fake is patched in.
"""

from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np
import pytest
from click.testing import CliRunner

from mgiassist.cli.main import main
from mgiassist.errors import IndexCorruptError
from mgiassist.index import index_status, load_index
from mgiassist.live import LiveAssistant

MODEL = "hashing:64"


def _cut(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _edit_manifest(index: Path, change) -> None:
    path = index / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def _wrong_dimension(index: Path, *, consistent_manifest: bool) -> None:
    count = json.loads((index / "manifest.json").read_text())["chunk_count"]
    other = faiss.IndexFlatIP(32)
    other.add(np.eye(count, 32, dtype=np.float32))
    faiss.write_index(other, str(index / "dense.faiss"))
    if consistent_manifest:  # the manifest's checksum agrees: only the shape check can catch it
        from mgiassist.index.manifest import sha256_of

        size, digest = (index / "dense.faiss").stat().st_size, sha256_of(index / "dense.faiss")
        _edit_manifest(
            index, lambda m: m["files"].update({"dense.faiss": {"size": size, "sha256": digest}})
        )


def _rerecord(index: Path, *names: str) -> None:
    """Record the files' size, SHA-256 (and array header) again, as if the build had written
    them: only the structure checks can tell the damage then."""
    from mgiassist.index.manifest import npy_header, sha256_of

    def change(manifest):
        for name in names:
            path = index / name
            manifest["files"][name] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
            if name.endswith(".npy"):
                shape, dtype = npy_header(path)
                manifest["arrays"][name] = {"shape": list(shape), "dtype": dtype}

    _edit_manifest(index, change)


def _rewrite_json(index: Path, name: str, change) -> None:
    path = index / name
    data = json.loads(path.read_text())
    data = change(data) or data
    path.write_text(json.dumps(data))
    _rerecord(index, name)


def _rewrite_array(index: Path, name: str, change) -> None:
    path = index / name
    np.save(path, change(np.load(path)), allow_pickle=False)
    _rerecord(index, name)


def _first_span_row(sentences, row):
    first = next(iter(sentences["chunks"]))
    sentences["chunks"][first][0][2] = row


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _first_span(sentences, span):
    first = next(iter(sentences["chunks"]))
    sentences["chunks"][first][0] = span


def _set_country(manifest, entry):
    manifest["countries"][0] = entry


# kind -> (how to damage the index, what `--check` and the error line must say)
DAMAGE = {
    # structure with the checksums recorded again (issue 21): named, not an unexpected error
    "sentence span points past the table, checksum re-recorded": (
        lambda i: _rewrite_json(i, "sentences.json", lambda s: _first_span_row(s, 10**6)),
        "points at row 1000000",
    ),
    "sentence span outside its chunk, checksum re-recorded": (
        lambda i: _rewrite_json(i, "sentences.json", lambda s: _first_span(s, [0, 10**6, 0])),
        "has a span 0–1000000 outside its chunk",
    ),
    "sentence span not three numbers, checksum re-recorded": (
        lambda i: _rewrite_json(i, "sentences.json", lambda s: _first_span(s, [0, "12"])),
        "holds [0, '12'], not [start, end, row]",
    ),
    "sentences.json not an object, checksum re-recorded": (
        lambda i: _rewrite_json(i, "sentences.json", lambda s: ["texts"]),
        "sentences.json is not a JSON object",
    ),
    "sentence texts not strings, checksum re-recorded": (
        lambda i: _rewrite_json(i, "sentences.json", lambda s: s.update(texts=list(range(len(s["texts"]))))),
        "sentences.json field texts should be a list of strings",
    ),
    "sentence vectors of another dimension, checksum re-recorded": (
        lambda i: _rewrite_array(i, "sentences.npy", lambda a: np.ascontiguousarray(a[:, :32])),
        "sentences.npy holds a",
    ),
    "word vectors with a row missing, checksum re-recorded": (
        lambda i: _rewrite_array(i, "vocabulary.npy", lambda a: a[:-1]),
        "vocabulary.npy holds a",
    ),
    "bm25 document numbers past the chunks, checksum re-recorded": (
        lambda i: _rewrite_array(i, "bm25/indices.csc.index.npy", lambda a: a + 1000),
        "bm25/indices.csc.index.npy names document",
    ),
    "bm25 column pointers cut short, checksum re-recorded": (
        lambda i: _rewrite_array(i, "bm25/indptr.csc.index.npy", lambda a: a[: len(a) // 2]),
        "bm25/",
    ),
    "bm25 term numbers past the matrix, checksum re-recorded": (
        lambda i: _rewrite_json(i, "bm25/vocab.index.json", lambda v: v.update({next(iter(v)): 10**6})),
        "bm25/vocab.index.json numbers its terms outside",
    ),
    "bm25 vocabulary not terms to numbers, checksum re-recorded": (
        lambda i: _rewrite_json(i, "bm25/vocab.index.json", lambda v: v.update({next(iter(v)): "x"})),
        "bm25/",
    ),
    "manifest.json nested 100,000 deep": (
        lambda i: (i / "manifest.json").write_text("[" * 100_000 + "]" * 100_000),
        "manifest.json is nested too deeply to be a manifest",
    ),
    "bm25 vocabulary nested 100,000 deep, checksum re-recorded": (
        lambda i: ((i / "bm25" / "vocab.index.json").write_text("[" * 100_000 + "]" * 100_000),
                   _rerecord(i, "bm25/vocab.index.json")),
        "bm25 cannot be read (",
    ),
    "countries entry of an unknown country without codes": (
        lambda i: _edit_manifest(i, lambda m: _set_country(m, {"name": "Atlantis"})),
        "manifest.json countries entry 1 ('Atlantis') lacks its alpha_3 and alpha_2 codes",
    ),
    "countries entry with aliases that are not strings": (
        lambda i: _edit_manifest(i, lambda m: _set_country(
            m, {"name": "Atlantis", "alpha_3": "ATL", "alpha_2": "AT", "aliases": [1, None]})),
        "field aliases should be a list of strings",
    ),
    "manifest names another model": (
        lambda i: _edit_manifest(i, lambda m: m.update(model_id="all-MiniLM-L6-v2")),
        "sentences.json was made by the model 'hashing:64', the manifest says 'all-MiniLM-L6-v2'",
    ),
    "truncated vectors": (lambda i: _cut(i / "vectors.npy", 0.5), "vectors.npy is truncated"),
    "truncated chunks": (lambda i: _cut(i / "chunks.jsonl", 0.9), "chunks.jsonl is truncated"),
    "zero-byte vectors": (
        lambda i: (i / "vectors.npy").write_bytes(b""),
        "vectors.npy is empty (0 bytes)",
    ),
    "zero-byte dense": (
        lambda i: (i / "dense.faiss").write_bytes(b""),
        "dense.faiss is empty (0 bytes)",
    ),
    "zero-byte manifest": (
        lambda i: (i / "manifest.json").write_bytes(b""),
        "manifest.json is empty",
    ),
    "wrong dimension": (lambda i: _wrong_dimension(i, consistent_manifest=False), "dense.faiss"),
    "wrong dimension, manifest agrees": (
        lambda i: _wrong_dimension(i, consistent_manifest=True),
        "dense.faiss holds 32-dimensional vectors, the index 64-dimensional ones",
    ),
    "wrong type in manifest": (
        lambda i: _edit_manifest(i, lambda m: m.update(chunk_count=str(m["chunk_count"]))),
        "manifest.json field chunk_count should be an integer ≥ 0, not str",
    ),
    "wrong type in manifest profiles": (
        lambda i: _edit_manifest(i, lambda m: m.update(profiles=["a"])),
        "manifest.json field profiles should be an object, not list",
    ),
    "missing file": (lambda i: (i / "chunks.jsonl").unlink(), "chunks.jsonl is missing"),
    "missing bm25 file": (
        lambda i: (i / "bm25" / "vocab.index.json").unlink(),
        "bm25/vocab.index.json is missing",
    ),
    "flipped byte": (
        lambda i: (i / "vectors.npy").write_bytes((i / "vectors.npy").read_bytes()[:-1] + b"\x7f"),
        "vectors.npy does not match its SHA-256 checksum",
    ),
}


# the build sees an index of another model and rebuilds it whole (no vector is reused), without
# loading the old one, so it does not call it damaged
REBUILT_NOT_REPAIRED = {"manifest names another model"}


@pytest.fixture(scope="module")
def page_class():
    """The chat page's ``Page`` (mgiassist.page.core)."""
    from mgiassist.page.core import Page

    return Page


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def built(runner, tmp_path, corpus_copy) -> Path:
    index = tmp_path / "index"
    result = runner.invoke(
        main, ["index", "--corpus", str(corpus_copy), "--index", str(index), "--model", MODEL]
    )
    assert result.exit_code == 0, result.output
    return index


def _args(corpus: Path, index: Path) -> list[str]:
    return ["--corpus", str(corpus), "--index", str(index), "--model", MODEL]


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damage_is_named_refused_and_repaired(kind, runner, built, corpus_copy, page_class):
    damage, named = DAMAGE[kind]
    before = load_index(built).manifest.chunk_count
    damage(built)

    check = runner.invoke(main, ["index", "--check", *_args(corpus_copy, built)])
    assert check.exit_code == 1, check.output
    assert check.output.startswith("index is corrupt: ") and named in check.output

    search = runner.invoke(main, ["search", "vote abroad", "--index", str(built)])
    assert search.exit_code == 2
    assert search.output.count("\n") == 1 and search.output.startswith("error: "), search.output
    assert named in search.output and "mgiassist index" in search.output

    # the page starts, with the one-line reason to show as a banner
    started = page_class(built)
    assert started.assistant is None and named in started.error and "\n" not in started.error
    live = LiveAssistant(built, check_every=0)
    assert live.assistant is None and named in live.error and "\n" not in live.error

    repair = runner.invoke(main, ["index", *_args(corpus_copy, built)])  # no --force
    assert repair.exit_code == 0, repair.output
    assert "up to date" not in repair.output
    if kind in REBUILT_NOT_REPAIRED:
        assert "indexed" in repair.output
    else:
        assert "repaired a damaged index" in repair.output
    assert index_status(built, corpus_copy).state == "current"
    assert load_index(built).manifest.chunk_count == before
    assert runner.invoke(main, ["search", "vote abroad", "--index", str(built)]).exit_code == 0
    assert not [
        p
        for p in built.parent.iterdir()
        if ".building-" in p.name or ".previous-" in p.name or ".removing-" in p.name
    ]


def test_repair_reuses_only_vectors_that_verify(built, corpus_copy):
    from mgiassist.index import build_index

    (built / "dense.faiss").write_bytes(b"junk")  # vectors still verify: reused
    report = build_index(corpus_copy, built, model=MODEL, progress=False)
    assert (
        report.repaired
        and report.embedded_chunks == 0
        and report.reused_chunks == report.chunk_count
    )

    _cut(built / "vectors.npy", 0.7)  # vectors damaged: every chunk embedded again
    report = build_index(corpus_copy, built, model=MODEL, progress=False)
    assert (
        report.repaired
        and report.reused_chunks == 0
        and report.embedded_chunks == report.chunk_count
    )


def test_index_of_an_older_format_is_rebuilt_not_called_damaged(built, corpus_copy, runner):
    _edit_manifest(built, lambda m: m.update(format_version=1))
    status = index_status(built, corpus_copy)
    assert status.state == "mismatch" and "another mgiassist version" in status.message()
    result = runner.invoke(main, ["index", *_args(corpus_copy, built)])
    assert (
        result.exit_code == 0
        and "indexed 2 profiles" in result.output
        and "repaired" not in result.output
    )


def test_load_error_is_typed_and_one_line(built):
    (built / "vectors.npy").write_bytes(b"")
    with pytest.raises(IndexCorruptError) as caught:
        load_index(built)
    assert "\n" not in str(caught.value) and "vectors.npy is empty" in str(caught.value)


def test_vectors_of_another_model_are_named_by_the_model_check(built):
    # A manifest (and every file naming the model) rewritten to another model of the same
    # dimension passes every file check; only encoding a few chunks with the model tells.
    from mgiassist.embed.hashing import HashingEmbedder
    from mgiassist.index import load_index
    from mgiassist.index.load import model_problem

    index = load_index(built)
    assert model_problem(index, HashingEmbedder(64).encode) is None
    def other_model(texts):  # same dimension, other vectors
        return np.roll(HashingEmbedder(64).encode(texts), 7, axis=1)

    problem = model_problem(index, other_model)
    assert problem and problem.startswith("vectors.npy was not made by hashing:64") and "\n" not in problem
    assert "64-dimensional vectors, the model makes 32-dimensional ones" in model_problem(
        index, HashingEmbedder(32).encode
    )


def test_the_assistant_refuses_an_index_whose_vectors_another_model_made(built, monkeypatch):
    from mgiassist import assistant as assistant_module
    from mgiassist.embed.hashing import HashingEmbedder
    from mgiassist.errors import IndexCorruptError

    class Rolled(HashingEmbedder):  # the model the manifest names, but not the one that made the vectors
        def encode(self, texts, **kwargs):
            return np.roll(super().encode(texts, **kwargs), 7, axis=1)

    monkeypatch.setattr(assistant_module, "load_embedder", lambda model_id: Rolled(64))
    with pytest.raises(IndexCorruptError, match="vectors.npy was not made by hashing:64"):
        assistant_module.Assistant.load(built)
    monkeypatch.setattr(assistant_module, "load_embedder", lambda model_id: HashingEmbedder(64))
    assert assistant_module.Assistant.load(built).index.model_id == "hashing:64"


def _nested_chunk_line(index: Path) -> None:
    _append(index / "chunks.jsonl", "[" * 100_000 + "]" * 100_000 + "\n")
    _rerecord(index, "chunks.jsonl")


def test_a_chunk_line_nested_too_deeply_is_named(runner, built, corpus_copy):
    line = len((built / "chunks.jsonl").read_text(encoding="utf-8").splitlines()) + 1  # the one appended
    _nested_chunk_line(built)
    check = runner.invoke(main, ["index", "--check", *_args(corpus_copy, built)])
    assert check.exit_code == 1 and f"chunks.jsonl line {line} is not a valid chunk (RecursionError" in check.output
    search = runner.invoke(main, ["search", "vote abroad", "--index", str(built)])
    assert search.exit_code == 2 and search.output.startswith("error: index") and f"chunks.jsonl line {line}" in search.output


def test_a_chunk_line_nested_too_deeply_is_repaired(runner, built, corpus_copy):
    _nested_chunk_line(built)
    repair = runner.invoke(main, ["index", *_args(corpus_copy, built)])
    assert repair.exit_code == 0 and "repaired a damaged index" in repair.output, repair.output
