"""Corpus loading over any mix of files never raises: every profile-looking file is either a
profile or a skip with a one-line reason (Hypothesis builds the folder)."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgiassist.ingest import SUPPORTED_SUFFIXES, load_corpus

KENYA = b"# Kenya\n\nKenya has a diaspora policy.\n"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


# Names as bytes: odd characters, control characters, bytes that are not UTF-8. A "/" would make
# a path and a NUL cannot be in a name; a leading "." makes a hidden file, which is not listed.
_NAMES = st.binary(min_size=1, max_size=10).filter(lambda b: b"/" not in b and b"\0" not in b
                                                   and not b.startswith(b"."))
_SUFFIXES = st.sampled_from([s.encode() for s in SUPPORTED_SUFFIXES] + [b".TXT", b".Pdf"])
_CONTENTS = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.binary(max_size=300).map(lambda b: b"%PDF-1.4\n" + b),
    st.binary(max_size=200).map(lambda b: _zip({"[Content_Types].xml": b, "word/document.xml": b})),
    st.integers(1, 1200).map(lambda n: b"<div>" * n + b"Ghana"),
    st.just(b""),
)
# What each entry is: a file with contents, a symlink loop, a dangling link, a file in a subfolder.
_ENTRIES = st.tuples(st.sampled_from(["file", "file", "loop", "dangling", "nested"]), _NAMES, _SUFFIXES,
                     _CONTENTS)


def _make(folder: bytes, kind: str, name: bytes, data: bytes) -> bytes:
    """Creates one entry and returns its path relative to ``folder``."""
    if kind == "nested":
        os.makedirs(os.path.join(folder, b"sub"), exist_ok=True)
        name = os.path.join(b"sub", name)
    path = os.path.join(folder, name)
    if kind == "loop":
        os.symlink(os.path.basename(path), path)
    elif kind == "dangling":
        os.symlink(b"nowhere-" + os.path.basename(path), path)
    else:
        with open(path, "wb") as handle:
            handle.write(data)
    return name


def _utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(_ENTRIES, max_size=6, unique_by=lambda e: (e[0] == "nested", e[1] + e[2])))
def test_loading_any_mix_of_files_never_raises(entries):
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.fsencode(tmp)
        os.mkdir(os.path.join(folder, b"good"))  # out of the generated names' way
        with open(os.path.join(folder, b"good", b"kenya.md"), "wb") as handle:
            handle.write(KENYA)
        names = [_make(folder, kind, name + suffix, data) for kind, name, suffix, data in entries]
        loaded = load_corpus(Path(tmp))

    candidates = [n for n in names if os.path.basename(n).lower() != b"readme.md"]
    profiles = {p.source for p in loaded.profiles}
    assert "good/kenya.md" in profiles
    assert len(profiles) + len(loaded.skipped_sources) == len(candidates) + 1
    for name in candidates:
        if _utf8(name):
            source = name.decode("utf-8")
            assert source in profiles or source in loaded.skipped_sources, source
    for message in (*loaded.skipped_sources.values(), *loaded.skipped):
        assert message and "\n" not in message and "\r" not in message
        message.encode("utf-8")  # a report, a log line and a manifest can hold it
