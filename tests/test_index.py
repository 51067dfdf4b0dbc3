from __future__ import annotations

import errno
import json
import os
import shutil

import numpy as np
import pytest
from conftest import SEED_CORPUS, FakeEmbedder

from mgiassist.assistant import Assistant
from mgiassist.errors import (
    CorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexStaleError,
)
from mgiassist.evaluate.lookalike import generate_corpus
from mgiassist.index import build_index, index_status, load_index, write_calibration
from mgiassist.search.searcher import SearchSettings


def test_index_files_and_manifest(fake_index):
    names = {p.name for p in fake_index.iterdir()}
    assert {"manifest.json", "chunks.jsonl", "vectors.npy", "dense.faiss", "bm25"} <= names
    manifest = json.loads((fake_index / "manifest.json").read_text())
    assert manifest["format_version"] == 2 and manifest["model_id"] == "fake-hashing-embedder"
    assert manifest["dimension"] == 256
    assert set(manifest["profiles"]) == {p.name for p in SEED_CORPUS.glob("*.txt")}
    assert all(len(p["content_hash"]) == 64 for p in manifest["profiles"].values())
    lines = (fake_index / "chunks.jsonl").read_text().splitlines()
    assert manifest["chunk_count"] == len(lines) > 50
    # nothing is pickled: every array loads with pickling refused
    for path in fake_index.rglob("*.npy"):
        np.load(path, allow_pickle=False)
    assert not list(fake_index.rglob("*.pkl")) and not list(fake_index.rglob("*.pickle"))


def test_vectors_are_normalised(fake_index):
    vectors = load_index(fake_index).vectors
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_rebuild_with_nothing_changed_loads_no_model(fake_index, corpus_copy):
    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded although nothing changed")

    import mgiassist.index as index_module

    original = index_module.load_embedder
    index_module.load_embedder = no_model
    try:
        report = build_index(corpus_copy, fake_index, model="fake-hashing-embedder", progress=False)
    finally:
        index_module.load_embedder = original
    assert report.up_to_date and report.embedded_chunks == 0


def _chunk_texts(embedder: FakeEmbedder, index_dir) -> list[str]:
    """The texts the embedder encoded that are chunks of the index (not answer sentences)."""
    chunk_texts = {c.embed_text for c in load_index(index_dir).chunks}
    return [t for t in embedder.encoded if t in chunk_texts]


def test_incremental_build_embeds_only_added_or_changed_profiles(tmp_path, corpus_copy):
    embedder = FakeEmbedder()
    index_dir = tmp_path / "index"
    first = build_index(corpus_copy, index_dir, embedder=embedder, progress=False)
    assert first.embedded_chunks == first.chunk_count

    [added] = generate_corpus(SEED_CORPUS, corpus_copy, 1, seed=5)
    embedder.encoded.clear()
    second = build_index(corpus_copy, index_dir, embedder=embedder, progress=False)
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert second.added == [added.name]
    assert second.embedded_chunks == manifest["profiles"][added.name]["chunks"] == len(_chunk_texts(embedder, index_dir))
    assert second.reused_chunks == first.chunk_count

    mgi = corpus_copy / "mgi-profile-cambodia-2021.txt"
    mgi.write_text(mgi.read_text().replace("cannot vote from abroad", "can vote from abroad by post"))
    embedder.encoded.clear()
    third = build_index(corpus_copy, index_dir, embedder=embedder, progress=False)
    assert third.changed == [mgi.name]
    assert len(_chunk_texts(embedder, index_dir)) == third.embedded_chunks == 1
    assert "by post" in _chunk_texts(embedder, index_dir)[0]
    # the answer step's sentence vectors are incremental too: only the edited sentence is new
    new_sentences = [t for t in embedder.encoded if t not in _chunk_texts(embedder, index_dir)]
    assert new_sentences == ["Cambodians overseas can vote from abroad by post."]

    added.unlink()
    fourth = build_index(corpus_copy, index_dir, embedder=embedder, progress=False)
    assert fourth.removed == [added.name]
    assert fourth.chunk_count == first.chunk_count
    assert {c.source for c in load_index(index_dir).chunks} == {p.name for p in corpus_copy.glob("*.txt")}


def test_crash_before_swap_leaves_old_index_usable(fake_index, corpus_copy, fake_embedder):
    before = load_index(fake_index).manifest.chunk_count
    (corpus_copy / "extra.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n")

    def crash(folder):
        raise KeyboardInterrupt  # a kill mid-build

    with pytest.raises(KeyboardInterrupt):
        build_index(corpus_copy, fake_index, embedder=fake_embedder, progress=False, _before_swap=crash)
    assert load_index(fake_index).manifest.chunk_count == before
    assert not list(fake_index.parent.glob("index.building-*"))


def test_crash_between_the_two_renames_falls_back_to_previous_copy(fake_index):
    before = load_index(fake_index).manifest.chunk_count
    os.rename(fake_index, fake_index.parent / "index.previous-4242")
    assert load_index(fake_index).manifest.chunk_count == before
    assert index_status(fake_index).usable


def test_status_reports_stale_and_search_refuses_a_stale_index(fake_index, corpus_copy, fake_embedder):
    assert index_status(fake_index).state == "current"
    (corpus_copy / "mgi-profile-cambodia-2021.txt").write_text("changed", encoding="utf-8")
    status = index_status(fake_index)
    assert status.state == "stale" and "changed" in status.message()
    with pytest.raises(IndexStaleError, match="mgiassist index"):
        Assistant.load(fake_index, embedder=fake_embedder)
    assert Assistant.load(fake_index, embedder=fake_embedder, check_stale=False)


def test_missing_corrupt_and_mismatched_indexes_have_clear_errors(tmp_path, fake_index, fake_embedder):
    with pytest.raises(IndexMissingError, match="no index at"):
        load_index(tmp_path / "nowhere")
    assert index_status(tmp_path / "nowhere").state == "missing"

    broken = tmp_path / "broken"
    shutil.copytree(fake_index, broken)
    (broken / "vectors.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(IndexCorruptError, match="damaged"):
        load_index(broken)

    short = tmp_path / "short"
    shutil.copytree(fake_index, short)
    lines = (short / "chunks.jsonl").read_text().splitlines()
    (short / "chunks.jsonl").write_text("\n".join(lines[:-3]) + "\n")
    with pytest.raises(IndexCorruptError, match="chunks.jsonl is truncated"):
        load_index(short)

    garbage = tmp_path / "garbage"
    shutil.copytree(fake_index, garbage)
    (garbage / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorruptError, match="manifest"):
        load_index(garbage)
    assert index_status(garbage).state == "corrupt"

    old = tmp_path / "old"
    shutil.copytree(fake_index, old)
    manifest = json.loads((old / "manifest.json").read_text())
    manifest["format_version"] = 0
    (old / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="another mgiassist version"):
        load_index(old)

    other_model = FakeEmbedder()
    other_model.model_id = "another-model"
    with pytest.raises(IndexMismatchError, match="built with fake-hashing-embedder"):
        Assistant.load(fake_index, embedder=other_model)


def test_damaged_index_is_rebuilt_not_reported_up_to_date(fake_index, corpus_copy, fake_embedder):
    (fake_index / "dense.faiss").write_bytes(b"junk")
    with pytest.raises(IndexCorruptError):
        load_index(fake_index)
    report = build_index(corpus_copy, fake_index, embedder=fake_embedder, progress=False)
    assert not report.up_to_date and load_index(fake_index).dense.ntotal == report.chunk_count


def test_calibration_is_stored_and_survives_a_rebuild(fake_index, corpus_copy, fake_embedder):
    write_calibration(fake_index, {"abstain_threshold": 0.42})
    assert load_index(fake_index).abstain_threshold == 0.42
    assert Assistant.load(fake_index, embedder=fake_embedder).searcher.abstain_threshold == 0.42
    # settings that do not name a threshold keep the calibrated one
    tuned = Assistant.load(fake_index, embedder=fake_embedder, settings=SearchSettings(fusion="convex"))
    assert tuned.searcher.abstain_threshold == 0.42
    explicit = Assistant.load(fake_index, embedder=fake_embedder, settings=SearchSettings(abstain_threshold=0.1))
    assert explicit.searcher.abstain_threshold == 0.1
    (corpus_copy / "extra.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n")
    build_index(corpus_copy, fake_index, embedder=fake_embedder, progress=False)
    assert load_index(fake_index).abstain_threshold == 0.42


def test_hnsw_index_searches_with_filters(tmp_path, corpus_copy, fake_embedder):
    index_dir = tmp_path / "hnsw"
    build_index(corpus_copy, index_dir, embedder=fake_embedder, faiss_kind="hnsw", progress=False)
    assistant = Assistant.load(index_dir, embedder=fake_embedder)
    hits = assistant.search("migrant resource centres", k=5, family="mgi").hits
    assert hits and all(h.chunk.family == "mgi-profile" for h in hits)


def test_missing_corpus_is_a_clear_error(tmp_path, fake_embedder):
    with pytest.raises(CorpusError, match="does not exist"):
        build_index(tmp_path / "missing", tmp_path / "index", embedder=fake_embedder, progress=False)


def test_a_build_never_replaces_a_folder_that_is_not_an_index(tmp_path, corpus_copy, fake_embedder):
    from mgiassist.errors import IndexError_

    with pytest.raises(IndexError_, match="holds the corpus"):
        build_index(corpus_copy, corpus_copy, embedder=fake_embedder, progress=False)
    with pytest.raises(IndexError_, match="holds the corpus"):
        build_index(corpus_copy, tmp_path, embedder=fake_embedder, progress=False)
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(IndexError_, match="is not an index folder"):
        build_index(corpus_copy, documents, embedder=fake_embedder, progress=False)
    assert (documents / "thesis.docx").read_bytes() == b"precious"
    assert {p.name for p in corpus_copy.iterdir()} >= {"mgi-profile-cambodia-2021.txt"}

    shipped = tmp_path / "shipped"  # the repository's index/ holds only a README before the first build
    shipped.mkdir()
    (shipped / "README.md").write_text("The index is built here.")
    build_index(corpus_copy, shipped, embedder=fake_embedder, progress=False)
    assert (shipped / "README.md").is_file() and load_index(shipped).chunks


def test_leftovers_of_dead_builds_are_removed_even_when_nothing_changed(fake_index, corpus_copy, fake_embedder):
    dead = [fake_index.parent / f"index.{kind}-999999999-abcdef" for kind in ("building", "removing")]
    for folder in dead:
        folder.mkdir()
        (folder / "vectors.npy").write_bytes(b"x" * 1000)
    report = build_index(corpus_copy, fake_index, embedder=fake_embedder, progress=False)
    assert report.up_to_date and not any(folder.exists() for folder in dead)


def test_a_swap_during_a_load_is_not_reported_as_damage(fake_index, corpus_copy, fake_embedder, monkeypatch):
    import mgiassist.index.load as load_module

    real_load_parts = load_module._load_parts

    def rebuilt_meanwhile(folder, manifest):
        if not (corpus_copy / "extra.md").exists():
            (corpus_copy / "extra.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n")
            build_index(corpus_copy, fake_index, embedder=fake_embedder, progress=False)  # swaps the folder
        return real_load_parts(folder, manifest)

    monkeypatch.setattr(load_module, "_load_parts", rebuilt_meanwhile)
    assert "extra.md" in {c.source for c in load_index(fake_index).chunks}


def test_a_readme_only_index_folder_is_missing_not_damaged(tmp_path, corpus_copy, fake_embedder):
    """A fresh checkout's index/ holds only its README: the first build is a build, not a repair,
    and the status says "missing" rather than "damaged"."""
    shipped = tmp_path / "index"
    shipped.mkdir()
    (shipped / "README.md").write_text("The index is built here.")
    assert index_status(shipped).state == "missing"
    report = build_index(corpus_copy, shipped, embedder=fake_embedder, progress=False)
    assert not report.repaired and "repaired" not in report.summary()
    (shipped / "manifest.json").unlink()  # other index files remain: that is damage
    assert index_status(shipped).state != "missing"


# --- a folder that cannot be listed keeps its profiles ------------------------------------------


def _unlistable(monkeypatch, folder):
    """``os.walk`` meeting ``folder`` as a folder it may not list (chmod 000 does not stop root)."""
    real = os.scandir

    def scandir(path="."):
        if not isinstance(path, int) and os.fspath(path) == str(folder):  # rmtree lists by descriptor
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def _rows(index, source):
    return [n for n, c in enumerate(index.chunks) if c.source == source]


def test_profiles_in_a_folder_that_cannot_be_listed_keep_their_chunks_vectors_and_hash(
    tmp_path, corpus_copy, monkeypatch
):
    more = corpus_copy / "more"
    more.mkdir()
    (more / "ghana.md").write_text("# Ghana\n\nGhana engages its diaspora through a national diaspora "
                                   "policy and a diaspora affairs bureau.\n", encoding="utf-8")
    (more / "empty.txt").write_text("")
    embedder, index_dir = FakeEmbedder(), tmp_path / "index"
    build_index(corpus_copy, index_dir, embedder=embedder, progress=False)
    before = load_index(index_dir)
    _unlistable(monkeypatch, more)

    assert build_index(corpus_copy, index_dir, embedder=embedder, progress=False).up_to_date
    mgi = corpus_copy / "mgi-profile-cambodia-2021.txt"
    mgi.write_text(mgi.read_text().replace("cannot vote from abroad", "can vote from abroad by post"))
    embedder.encoded.clear()
    report = build_index(corpus_copy, index_dir, embedder=embedder, progress=False)
    assert (report.changed, report.added, report.removed) == ([mgi.name], [], [])
    assert report.kept == ["more/ghana.md"] and report.profiles == 3
    assert "kept as indexed (their folder cannot be listed): more/ghana.md" in report.summary()

    after = load_index(index_dir)
    kept = [after.chunks[n] for n in _rows(after, "more/ghana.md")]
    assert kept == [before.chunks[n] for n in _rows(before, "more/ghana.md")] and kept
    np.testing.assert_array_equal(after.vectors[_rows(after, "more/ghana.md")],
                                  before.vectors[_rows(before, "more/ghana.md")])
    assert not {c.embed_text for c in kept} & set(embedder.encoded)  # reused, not embedded again
    assert after.manifest.profiles["more/ghana.md"] == before.manifest.profiles["more/ghana.md"]
    assert after.manifest.skipped_files["more/empty.txt"] == before.manifest.skipped_files["more/empty.txt"]
    assert {c["name"] for c in after.manifest.countries} == {c["name"] for c in before.manifest.countries}

    status = index_status(index_dir, corpus_copy)
    assert status.state == "current", status.message()
    assert status.reasons == ["folder more cannot be listed; its 1 indexed profile is kept as indexed"]
    monkeypatch.undo()  # listable again: nothing to do
    assert build_index(corpus_copy, index_dir, embedder=embedder, progress=False).up_to_date


def test_index_check_does_not_call_an_index_stale_for_a_folder_it_cannot_list(
    tmp_path, corpus_copy, monkeypatch
):
    from click.testing import CliRunner

    from mgiassist.cli.main import main

    (corpus_copy / "more").mkdir()
    (corpus_copy / "more" / "ghana.md").write_text("# Ghana\n\nGhana engages its diaspora.\n", encoding="utf-8")
    build_index(corpus_copy, tmp_path / "index", embedder=FakeEmbedder(), progress=False)
    _unlistable(monkeypatch, corpus_copy / "more")
    result = CliRunner().invoke(main, ["index", "--check", "--corpus", str(corpus_copy),
                                       "--index", str(tmp_path / "index"), "--model", "fake-hashing-embedder"])
    assert result.exit_code == 0, result.output
    assert "index is current" in result.output and "removed" not in result.output
