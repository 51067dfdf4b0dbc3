"""Pipeline benchmark: index build vs bare batch encode, search latency vs one bare query encode.

Numbers only — nothing here asserts on time. Run from the repository root::

    .venv/bin/python benchmarks/bench_pipeline.py --sizes seeds,10,100,1000 --queries 200 \
        --out benchmarks/results.json

For every size (``seeds`` = the real profiles in ``corpus/``; a number = that many look-alike
profiles made by :func:`mgiassist.evaluate.lookalike.generate_corpus` in a temporary folder):

* **build** — ``build_index(force=True, progress=False)`` into a temporary folder, with the
  already-loaded embedder (model load time is excluded on both sides), timed end to end;
  chunks/s = chunks / build seconds. A thin wrapper around the embedder splits the build time into
  embedding, token counting (chunking) and the rest (parsing, BM25, FAISS, writing, fsync).
* **bare** — ``model.encode(texts, batch_size=64, normalize_embeddings=True)`` on the very same
  ``embed_text`` strings read back from ``chunks.jsonl``.
* **search** — ``Assistant.search(q, k=5)`` over a pool of distinct realistic questions; the
  query-embedding LRU cache is cleared before every timed call (outside the timer), so each search
  pays its own encode. Interleaved with it, the **bare query encode** of the same question:
  ``model.encode([q], normalize_embeddings=True)``.
* **breakdown** — a second, instrumented pass (perf_counter wrappers around the pieces of
  ``Searcher.search``) giving mean ms per search for encode, contextualise, facets, filter mask,
  dense (FAISS), BM25, top-k, fusion (rrf) and the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "corpus"

TARGET_BUILD = 0.9  # build chunks/s ÷ bare chunks/s, at least
TARGET_SEARCH = 1.3  # search p50 ÷ bare query encode p50, at most

COLUMNS = [  # (name, decimals; None = as is)
    ("size", None),
    ("profiles", None),
    ("chunks", None),
    ("build_s", 2),
    ("chunks_per_s", 1),
    ("bare_chunks_per_s", 1),
    ("build_ratio", 2),
    ("search_p50_ms", 2),
    ("search_p95_ms", 2),
    ("bare_p50_ms", 2),
    ("bare_p95_ms", 2),
    ("search_ratio", 2),
    ("peak_rss_mb", 0),
]

# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------

GENERIC = [
    "Can citizens vote from abroad?",
    "What do migrant resource centres offer?",
    "How are remittances supported and what do transfers cost?",
    "What does the memorandum of understanding with Thailand cover?",
    "What obstacles do diaspora members face when engaging with their home country?",
    "How does the government fight human trafficking?",
    "Are border police trained on migration and trafficking?",
    "Which ministry is responsible for labour migration?",
    "Is there a national policy on diaspora engagement?",
    "What are the weaknesses of migration governance?",
    "Which areas of migration governance are well developed?",
    "How are returning migrants reintegrated?",
    "Do migrant workers get pre-departure orientation?",
    "Is dual citizenship allowed?",
    "What data on emigration is collected and published?",
    "How are recruitment agencies regulated?",
    "What support exists for victims of trafficking?",
    "Is there a crisis response plan for nationals abroad?",
]
WITH_COUNTRY = [
    "Can {demonyms} vote from abroad?",
    "What do migrant resource centres offer in {name}?",
    "How do remittances reach {name}?",
    "Does {name} have a memorandum of understanding with Thailand on labour migration?",
    "What obstacles do {demonym} diaspora organisations face?",
    "How does {name} combat trafficking in persons?",
    "Are border police in {name} trained on migration?",
    "What are the gaps in {name}'s migration governance?",
    "What does {name} do well in migration governance?",
    "Is dual nationality allowed for {demonyms}?",
    "Which institution in {name} engages with the diaspora?",
    "How does {name} protect its migrant workers abroad?",
    "What does the {name} profile say about return and reintegration?",
    "Are there bilateral labour agreements signed by {name}?",
]
PREFIXES = ["", "Please tell me: ", "Quick question — ", "I'd like to know: "]
SUFFIXES = ["", " Cite the profile.", " Give details.", " Summarise briefly."]


def _country_forms(country: Any) -> dict[str, str]:
    from mgiassist.evaluate.lookalike import _forms

    forms = dict(_forms(country))
    forms.setdefault("demonym", forms["name"])
    forms.setdefault("demonyms", forms["demonym"] + ("" if forms["demonym"].endswith("s") else "s"))
    return forms


def question_pool(countries: list[Any], count: int, seed: int = 0) -> list[str]:
    """``count`` distinct questions: generic topics, and topics about countries of the index
    (most of them) or elsewhere, with varied phrasing."""
    from mgiassist.text.countries import lookup_country

    rng = random.Random(seed)
    outside = [c for c in (lookup_country(n) for n in ("Kenya", "Philippines", "Morocco", "Viet Nam", "Mexico")) if c]
    forms_in = [_country_forms(c) for c in countries] or [_country_forms(c) for c in outside]
    forms_out = [_country_forms(c) for c in outside]
    pool: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(pool) < count and attempts < count * 200:
        attempts += 1
        roll = rng.random()
        if roll < 0.25:
            body = rng.choice(GENERIC)
        else:
            forms = rng.choice(forms_in if roll < 0.85 or not forms_out else forms_out)
            body = rng.choice(WITH_COUNTRY).format(**forms)
        text = rng.choice(PREFIXES) + body + rng.choice(SUFFIXES)
        if text not in seen:
            seen.add(text)
            pool.append(text)
    n = 0
    while len(pool) < count:  # exhausted the combinations: number further variants
        n += 1
        text = f"{pool[n % len(pool)]} (variant {n})"
        if text not in seen:
            seen.add(text)
            pool.append(text)
    return pool


# --------------------------------------------------------------------------------------------
# Measuring helpers
# --------------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


class TimedEmbedder:
    """Delegates to a real embedder and accumulates the time spent in encode and count_tokens."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.encode_s = 0.0
        self.count_s = 0.0
        self.count_calls = 0
        # the exact batches build_index asked for, so the bare model can be fed the same way
        self.batches: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        started = time.perf_counter()
        try:
            return self.inner.count_tokens(text)
        finally:
            self.count_s += time.perf_counter() - started
            self.count_calls += 1

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.batches.append(list(texts))
        started = time.perf_counter()
        try:
            return self.inner.encode(texts, batch_size=batch_size, show_progress=show_progress)
        finally:
            self.encode_s += time.perf_counter() - started


def sample_batches(batches: list[list[str]], limit: int) -> list[list[str]]:
    """Evenly spaced batches holding at most ``limit`` texts (all of them when ``limit`` is 0), so a
    sample spans short and long texts alike whatever order build_index chose."""
    total = sum(len(b) for b in batches)
    if not limit or total <= limit:
        return batches
    step = max(1, round(total / limit))
    return batches[::step]


class SyntheticVectorsEmbedder:
    """The real tokenizer (so chunking is exactly the real one) but random unit vectors instead of
    the model: the build's non-embedding work is measured for real in seconds, and the embedding
    time is projected from a timed real sample (see ``--synthetic-above``)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self._rng = np.random.default_rng(0)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        vectors = self._rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def bare_batch_encode(model: Any, texts: list[str]) -> float:
    started = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return time.perf_counter() - started


def embed_ab(model: Any, texts: list[str], *, block: int = 512, rounds: int = 4) -> dict[str, float]:
    """Interleaved A/B, robust to a busy machine: over the same consecutive blocks of texts,
    alternate (A) one ``encode(block, batch_size=64)`` call — sentence-transformers sorts the
    block by length, as the bare batch encode does — and (B) one call per 64 texts in index order,
    as ``build_index`` does. Wall and process-CPU seconds are summed per side."""
    wall = {"sorted": 0.0, "build_order": 0.0}
    cpu = {"sorted": 0.0, "build_order": 0.0}
    blocks = [texts[i : i + block] for i in range(0, len(texts), block)][:rounds] or [texts]
    for n, part in enumerate(blocks):
        sides = ("sorted", "build_order") if n % 2 == 0 else ("build_order", "sorted")
        for side in sides:
            w, c = time.perf_counter(), time.process_time()
            if side == "sorted":
                model.encode(part, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            else:
                for start in range(0, len(part), 64):
                    model.encode(part[start : start + 64], batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            wall[side] += time.perf_counter() - w
            cpu[side] += time.process_time() - c
    count = sum(len(b) for b in blocks)
    return {
        "texts": count,
        "sorted_chunks_per_s": count / wall["sorted"],
        "build_order_chunks_per_s": count / wall["build_order"],
        "wall_ratio": wall["sorted"] / wall["build_order"],
        "cpu_ratio": cpu["sorted"] / cpu["build_order"],
    }


def bare_query_encode(model: Any, question: str) -> float:
    started = time.perf_counter()
    model.encode([question], normalize_embeddings=True, show_progress_bar=False)
    return time.perf_counter() - started


def timed_search(assistant: Any, question: str, k: int) -> float:
    assistant.encoder.clear()  # every search pays its own query encode
    started = time.perf_counter()
    assistant.search(question, k=k)
    return time.perf_counter() - started


@contextlib.contextmanager
def instrumented(assistant: Any):
    """Wrap the pieces of ``Searcher.search`` with perf_counter; yields the totals dict."""
    import mgiassist.search.searcher as search_module

    totals: dict[str, float] = {}
    searcher = assistant.searcher
    undo: list[tuple[Any, str, Any, bool]] = []

    def wrap(owner: Any, attr: str, label: str, *, on_instance: bool = False) -> None:
        original = getattr(owner, attr)
        had_own = on_instance and attr in vars(owner)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, attr, timed)
        undo.append((owner, attr, original, had_own))

    wrap(searcher, "encode_query", "encode", on_instance=True)
    wrap(searcher, "_dense_scores", "dense (faiss)", on_instance=True)
    wrap(searcher, "filter_mask", "filter mask", on_instance=True)
    wrap(searcher.index.lexical, "scores", "bm25 scores", on_instance=True)
    wrap(search_module, "contextualise", "contextualise")
    wrap(search_module, "top_k", "top_k")
    wrap(search_module, "rrf_fuse", "fusion (rrf)")
    # `facets` was a plain property recomputed on every call (O(chunks) per search); time it if
    # it still is one (a cached_property costs nothing after the first call and is not wrapped).
    facets_original = type(searcher)
    facets_attr = getattr(facets_original, "facets", None)
    if isinstance(facets_attr, property):

        class _Timed(facets_original):  # type: ignore[misc, valid-type]
            @property
            def facets(self) -> dict[str, list[str]]:
                started = time.perf_counter()
                try:
                    return facets_attr.fget(self)
                finally:
                    totals["facets"] = totals.get("facets", 0.0) + time.perf_counter() - started

        searcher.__class__ = _Timed
    try:
        yield totals
    finally:
        searcher.__class__ = facets_original
        for owner, attr, original, had_own in reversed(undo):
            if owner is searcher or owner is searcher.index.lexical:
                if had_own:
                    setattr(owner, attr, original)
                else:
                    delattr(owner, attr)
            else:
                setattr(owner, attr, original)


def search_breakdown(assistant: Any, questions: list[str], k: int) -> dict[str, float]:
    """Mean ms per search of each piece, from an instrumented pass over ``questions``."""
    with instrumented(assistant) as totals:
        total = 0.0
        for question in questions:
            total += timed_search(assistant, question, k)
    n = max(len(questions), 1)
    out = {label: 1000 * seconds / n for label, seconds in totals.items()}
    # top_k is called twice (bm25 candidates, final order); both are in "top_k".
    out["total"] = 1000 * total / n
    out["rest"] = out["total"] - sum(v for key, v in out.items() if key != "total")
    return out


def profile_searches(assistant: Any, questions: list[str], k: int, limit: int = 25) -> str:
    profiler = cProfile.Profile()
    for question in questions:
        assistant.encoder.clear()
        profiler.enable()
        assistant.search(question, k=k)
        profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(limit)
    return stream.getvalue()


# --------------------------------------------------------------------------------------------
# One size
# --------------------------------------------------------------------------------------------


def _clean_seeds(workdir: Path) -> Path:
    """The seed profiles alone (what ``iter_profile_paths`` indexes): generate_corpus takes every
    .txt/.md file of its folder, so a corpus/README.md would otherwise be cloned as a "profile"."""
    from mgiassist.ingest import iter_profile_paths

    folder = workdir / "seeds"
    if not folder.is_dir():
        folder.mkdir(parents=True)
        for path in iter_profile_paths(SEEDS):
            shutil.copy2(path, folder / path.name)
    return folder


def run_size(
    size: str,
    embedder: Any,
    *,
    queries: int,
    faiss_kind: str,
    workdir: Path,
    k: int = 5,
    repeats: int | None = None,
    profile: bool = False,
    bare_max: int = 0,
    diag_max: int = 0,
    synthetic: bool = False,
    ab_rounds: int = 0,
    log=print,
) -> dict[str, Any]:
    from mgiassist.assistant import Assistant
    from mgiassist.evaluate.lookalike import generate_corpus
    from mgiassist.index import build_index, load_index

    model = embedder._model
    result: dict[str, Any] = {"size": size, "faiss": faiss_kind}
    if size == "seeds":
        corpus = SEEDS
        result["generate_s"] = 0.0
    else:
        corpus = workdir / f"corpus-{size}"
        seeds = _clean_seeds(workdir)
        started = time.perf_counter()
        generate_corpus(seeds, corpus, int(size), seed=0)
        result["generate_s"] = time.perf_counter() - started
    index_dir = workdir / f"index-{size}"

    n_profiles = sum(1 for p in corpus.iterdir() if p.is_file())
    repeats = repeats or (3 if n_profiles <= 10 else 1)

    # -- build ------------------------------------------------------------------------------
    builds, parts, fed = [], [], []
    for _ in range(repeats):
        timed = TimedEmbedder(SyntheticVectorsEmbedder(embedder) if synthetic else embedder)
        gc.collect()
        started = time.perf_counter()
        report = build_index(corpus, index_dir, embedder=timed, faiss_kind=faiss_kind, progress=False, force=True)
        builds.append(time.perf_counter() - started)
        parts.append((timed.encode_s, timed.count_s, timed.count_calls))
        fed.append(timed.batches)
    best = int(np.argsort(builds)[len(builds) // 2])  # the median run
    build_s = builds[best]
    encode_s, count_s, count_calls = parts[best]
    build_batches = fed[best]
    result.update(
        synthetic=synthetic,
        profiles=report.profiles,
        chunks=report.chunk_count,
        embedded_chunks=report.embedded_chunks,
        build_s=build_s,
        build_runs_s=builds,
        build_embed_s=encode_s,
        build_count_tokens_s=count_s,
        build_count_tokens_calls=count_calls,
        build_other_s=build_s - encode_s - count_s,
        chunks_per_s=report.chunk_count / build_s,
    )
    log(f"[{size}] built {report.profiles} profiles, {report.chunk_count} chunks in {build_s:.2f}s "
        f"(embed {encode_s:.2f}s, count_tokens {count_s:.2f}s in {count_calls} calls, other {build_s - encode_s - count_s:.2f}s)")

    # -- bare batch encode of the same texts -------------------------------------------------
    with (index_dir / "chunks.jsonl").open(encoding="utf-8") as handle:
        texts = [json.loads(line)["embed_text"] for line in handle if line.strip()]
    all_texts = texts
    if bare_max and len(texts) > bare_max:
        # the very texts of the replayed sample below, so both sides encode the same work
        texts = [text for batch in sample_batches(build_batches, bare_max) for text in batch]
        result["bare_sampled"] = len(texts)
        log(f"[{size}] bare encode measured on a spread-out sample of {len(texts)} of the {len(all_texts)} texts")
    bares = []
    for _ in range(repeats):
        gc.collect()
        bares.append(bare_batch_encode(model, texts))
    bare_s = float(np.median(bares))
    result.update(bare_s=bare_s, bare_runs_s=bares, bare_chunks_per_s=len(texts) / bare_s)
    if synthetic or (diag_max and len(all_texts) <= diag_max):
        # The bare model fed exactly the batches build_index asked for (replayed; a spread-out
        # sample of them past --bare-max texts), so any change in how it feeds the model shows.
        replay = sample_batches(build_batches, bare_max)
        count = sum(len(b) for b in replay)
        gc.collect()
        started = time.perf_counter()
        for batch in replay:
            model.encode(batch, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        seconds = time.perf_counter() - started
        result["bare_build_order_chunks_per_s"] = count / seconds
        log(f"[{size}] bare model fed build_index's own batches ({count} texts): {count / seconds:.1f} chunks/s")
    if ab_rounds:
        ab = embed_ab(model, all_texts, rounds=ab_rounds)
        result["embed_ab"] = ab
        log(f"[{size}] interleaved A/B on {ab['texts']} texts: document-order batches of 64 run at {ab['wall_ratio']:.2f}x "
            f"(wall) / {ab['cpu_ratio']:.2f}x (CPU time) the speed of length-sorted batches")
    if synthetic:
        projected_embed = result["chunks"] / result["bare_build_order_chunks_per_s"]
        log(f"[{size}] synthetic vectors: measured non-embedding build {result['build_s']:.2f}s "
            f"+ projected embedding {projected_embed:.2f}s")
        result["build_measured_without_embed_s"] = result["build_s"]
        result["build_embed_s"] = projected_embed
        result["build_s"] = result["build_s"] - encode_s + projected_embed
        result["build_other_s"] = result["build_s"] - projected_embed - count_s
        result["chunks_per_s"] = result["chunks"] / result["build_s"]
        result["size"] = f"{size}*"
    result["build_ratio"] = result["chunks_per_s"] / result["bare_chunks_per_s"]
    result["embed_only_ratio"] = (result["chunks"] / result["build_embed_s"]) / result["bare_chunks_per_s"]
    log(f"[{size}] bare encode {len(texts)} texts in {bare_s:.2f}s; build ratio {result['build_ratio']:.2f} "
        f"(embedding step alone {result['embed_only_ratio']:.2f})")

    # -- search latency -------------------------------------------------------------------------
    started = time.perf_counter()
    assistant = Assistant.load(index_dir, embedder=embedder)
    result["load_s"] = time.perf_counter() - started
    countries = load_index(index_dir).countries
    pool = question_pool(countries, queries + 20, seed=0)
    warm, timed_pool = pool[:20], pool[20:]
    for question in warm:  # warm-up: model, FAISS, bm25, regexes
        bare_query_encode(model, question)
        timed_search(assistant, question, k)
    search_times, bare_times = [], []
    gc.collect()
    gc.disable()
    try:
        for i, question in enumerate(timed_pool):
            if i % 2:  # alternate the order so drift hits both sides equally
                bare_times.append(bare_query_encode(model, question))
                search_times.append(timed_search(assistant, question, k))
            else:
                search_times.append(timed_search(assistant, question, k))
                bare_times.append(bare_query_encode(model, question))
    finally:
        gc.enable()
    ms = lambda xs: [1000 * x for x in xs]
    result.update(
        queries=len(timed_pool),
        search_p50_ms=percentile(ms(search_times), 50),
        search_p95_ms=percentile(ms(search_times), 95),
        search_mean_ms=1000 * statistics.fmean(search_times),
        bare_p50_ms=percentile(ms(bare_times), 50),
        bare_p95_ms=percentile(ms(bare_times), 95),
        bare_mean_ms=1000 * statistics.fmean(bare_times),
    )
    result["search_ratio"] = result["search_p50_ms"] / result["bare_p50_ms"]
    result["breakdown_ms"] = search_breakdown(assistant, timed_pool[: min(len(timed_pool), 100)], k)
    if profile:
        result["profile"] = profile_searches(assistant, timed_pool[: min(len(timed_pool), 100)], k)
    result["peak_rss_mb"] = peak_rss_mb()
    result["loadavg_1m"] = os.getloadavg()[0]
    log(f"[{size}] search p50 {result['search_p50_ms']:.2f} ms vs bare {result['bare_p50_ms']:.2f} ms "
        f"(ratio {result['search_ratio']:.2f}); peak RSS {result['peak_rss_mb']:.0f} MB")
    del assistant
    gc.collect()
    return result


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def format_table(results: list[dict[str, Any]]) -> str:
    header = " ".join(f"{name:>{max(len(name), 6)}}" for name, _ in COLUMNS)
    lines = [header, "-" * len(header)]
    for row in results:
        cells = []
        for name, decimals in COLUMNS:
            value = row.get(name, "")
            width = max(len(name), 6)
            text = f"{value:.{decimals}f}" if decimals is not None and isinstance(value, (int, float)) else str(value)
            cells.append(f"{text:>{width}}")
        lines.append(" ".join(cells))
    return "\n".join(lines)


def format_breakdowns(results: list[dict[str, Any]]) -> str:
    labels = ["encode", "contextualise", "facets", "filter mask", "dense (faiss)", "bm25 scores",
              "top_k", "fusion (rrf)", "rest", "total"]
    header = f"{'size':>6} " + " ".join(f"{label:>13}" for label in labels)
    lines = ["search time breakdown, mean ms per search (instrumented pass):", header, "-" * len(header)]
    for row in results:
        parts = row.get("breakdown_ms", {})
        lines.append(f"{row['size']:>6} " + " ".join(f"{parts.get(label, 0.0):>13.2f}" for label in labels))
    lines.append("")
    lines.append("build time breakdown, seconds:")
    header = f"{'size':>6} {'build_s':>9} {'embed_s':>9} {'count_tok_s':>11} {'other_s':>9} {'embed_only_ratio':>16} {'generate_s':>10}"
    lines += [header, "-" * len(header)]
    for row in results:
        lines.append(
            f"{row['size']:>6} {row['build_s']:>9.2f} {row['build_embed_s']:>9.2f} {row['build_count_tokens_s']:>11.2f} "
            f"{row['build_other_s']:>9.2f} {row['embed_only_ratio']:>16.2f} {row['generate_s']:>10.2f}"
        )
    return "\n".join(lines)


def verdicts(results: list[dict[str, Any]]) -> str:
    lines = []
    for row in results:
        build_ok = row["build_ratio"] >= TARGET_BUILD
        search_ok = row["search_ratio"] <= TARGET_SEARCH
        lines.append(
            f"{row['size']:>6}: build {row['build_ratio']:.2f} (target >= {TARGET_BUILD}) {'MET' if build_ok else 'MISSED'}; "
            f"search {row['search_ratio']:.2f} (target <= {TARGET_SEARCH}) {'MET' if search_ok else 'MISSED'}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="seeds,10,100", help="comma-separated: 'seeds' and/or profile counts (10 to 1000)")
    parser.add_argument("--queries", type=int, default=200, help="timed questions per size (plus 20 warm-up)")
    parser.add_argument("--faiss", choices=("flat", "hnsw"), default="flat")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=None, help="build/bare repeats (default 3 up to 10 profiles, else 1)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)")
    parser.add_argument("--bare-max", type=int, default=0,
                        help="measure bare throughput on a spread-out sample of at most N of the texts build_index embedded (0 = all)")
    parser.add_argument("--diag-max", type=int, default=5000,
                        help="also time the bare model fed build_index's own recorded batches, up to N chunks (0 = off)")
    parser.add_argument("--synthetic-above", type=int, default=0,
                        help="sizes above N profiles build with random vectors (real tokenizer/chunking), the "
                             "embedding time projected from the bare model fed like build_index on --bare-max texts; "
                             "search stays fully real (0 = off)")
    parser.add_argument("--ab-rounds", type=int, default=0,
                        help="interleaved A/B of 512-text blocks: length-sorted vs document-order batches of 64 (0 = off)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the searches of each size")
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora/indexes go (default: a temp folder, removed)")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for size in sizes:
        if size != "seeds" and not (size.isdigit() and 1 <= int(size) <= 1000):
            parser.error(f"size {size!r}: use 'seeds' or a profile count from 1 to 1000")
    args.sizes = sizes
    if args.queries < 1:
        parser.error("--queries must be at least 1")
    return args


def main(argv: list[str] | None = None, *, embedder: Any = None) -> list[dict[str, Any]]:
    """Run the benchmark; ``embedder`` (a loaded SentenceTransformerEmbedder) skips the model load."""
    args = parse_args(argv)
    import torch

    from mgiassist.embed import SentenceTransformerEmbedder

    if args.threads:
        torch.set_num_threads(args.threads)
    started = time.perf_counter()
    embedder = embedder or SentenceTransformerEmbedder()
    load_s = time.perf_counter() - started
    # Warm the model up once (first calls allocate, tune kernels) so neither side pays it.
    warm = [f"warm-up sentence number {i} about migration governance and diaspora engagement" * (1 + i % 6) for i in range(128)]
    embedder._model.encode(warm, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    for text in warm[:20]:
        embedder._model.encode([text], normalize_embeddings=True, show_progress_bar=False)
    print(
        f"model {embedder.model_id} loaded in {load_s:.1f}s; torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"{os.cpu_count()} CPUs; faiss {args.faiss}; {args.queries} queries per size",
        flush=True,
    )

    own_workdir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="mgiassist-bench-")) if own_workdir else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    try:
        for size in args.sizes:
            row = run_size(
                size,
                embedder,
                queries=args.queries,
                faiss_kind=args.faiss,
                workdir=workdir,
                k=args.k,
                repeats=args.repeats,
                profile=args.profile,
                bare_max=args.bare_max,
                diag_max=args.diag_max,
                ab_rounds=args.ab_rounds,
                synthetic=bool(args.synthetic_above) and size != "seeds" and int(size) > args.synthetic_above,
                log=lambda message: print(message, flush=True),
            )
            results.append(row)
            if args.profile:
                print(f"\ncProfile of {size} searches (cumulative):\n{row['profile']}", flush=True)
            if size != "seeds":  # keep disk use bounded
                shutil.rmtree(workdir / f"corpus-{size}", ignore_errors=True)
                shutil.rmtree(workdir / f"index-{size}", ignore_errors=True)
    finally:
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(format_table(results))
    print()
    print(verdicts(results))
    print()
    print(format_breakdowns(results))
    if any(row.get("synthetic") for row in results):
        print("\n* built with synthetic vectors; build_s = measured non-embedding time + embedding time projected "
              "from the bare model fed like build_index (see README)")
    if args.out is not None:
        meta = {
            "command": " ".join([Path(sys.executable).name, *sys.argv]) if argv is None else f"main({argv!r})",
            "torch_threads": torch.get_num_threads(),
            "cpus": os.cpu_count(),
            "model_load_s": load_s,
            "targets": {"build_ratio_min": TARGET_BUILD, "search_ratio_max": TARGET_SEARCH},
        }
        rows = [{k: v for k, v in row.items() if k != "profile"} for row in results]
        args.out.write_text(json.dumps({"meta": meta, "results": rows}, indent=2), encoding="utf-8")
        print(f"\nwrote {args.out}")
    return results


if __name__ == "__main__":
    main()
