"""Scale benchmark (issue 19, item 6): ~900 profiles of 150 countries, side by side in one run.

Numbers only — nothing here asserts on time. Run from the repository root::

    .venv/bin/python benchmarks/scale.py                       # 150 countries × 2 families × 3 editions
    .venv/bin/python benchmarks/scale.py --countries 5 --users 4 --requests 3 --queries 10   # smoke test

What it measures, in order, with the package's default embedder (loaded once; its load time is
reported apart and excluded from the build):

1. **corpus** — :func:`mgiassist.evaluate.scale_corpus.generate_scale_corpus` into
   ``WORK/corpus``; the newest edition of the first country's mapping is held back in
   ``WORK/held-out``.
2. **build** — ``build_index(corpus, WORK/index, embedder=…, force=True)``: wall and CPU
   seconds, profiles/s, chunks/s, the build process's peak RSS.
3. **one more edition** — the held-back file copied in, ``build_index`` again (incremental):
   seconds, and the build's own ``embedded_chunks`` / ``reused_chunks`` against the new file's
   chunk count in ``chunks.jsonl`` (target: only its chunks re-embedded).
4. **serving**, in a fresh process (``--serve-only``), so its peak RSS is the serving process's and
   not the build's: ``Assistant.load``; a bare one-question encode (``embedder.encode([q])``)
   interleaved with ``Assistant.search(q, k=5)`` and ``Assistant.answer(q)``, each question
   fresh (the encode cache cleared before each timed call); then ``--users`` threads (20), each
   asking ``--requests`` questions with an exponential think time of mean ``--think`` seconds
   (1 s) between them, through ``Assistant.answer`` with at most 4 turns at once (the
   ``POST /api/ask`` route's default ``--api-concurrency``; its HTTP and JSON cost, ~1 ms, is
   left out). Per request p50/p95 (waiting included) and throughput; peak RSS
   (``ru_maxrss``) of that process (target ≤ 1 GB). The serving process runs once per
   ``--blas-threads`` value (default ``default,1``: OPENBLAS_NUM_THREADS as inherited, then 1),
   because on two busy cores OpenBLAS's spinning worker threads cost a search about 4× (docs/scale.md).

Results are printed and written to ``WORK/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

TARGET_SEARCH = 1.5  # search p50 ÷ bare query encode p50, at most
TARGET_RSS_MB = 1024


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def chunk_counts(index_dir: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with open(index_dir / "chunks.jsonl", encoding="utf-8") as handle:
        for line in handle:
            source = json.loads(line).get("source")
            counts[source] = counts.get(source, 0) + 1
    return counts


def manifest(index_dir: Path) -> dict[str, Any]:
    return json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Build side
# --------------------------------------------------------------------------------------------


def timed_build(corpus: Path, index_dir: Path, embedder: Any, *, force: bool) -> dict[str, Any]:
    from mgiassist.index import build_index

    load_before = load_average()
    wall, cpu = time.perf_counter(), time.process_time()
    report = build_index(corpus, index_dir, embedder=embedder, force=force, progress=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    data = manifest(index_dir)
    return {
        "seconds": wall,
        "cpu_seconds": cpu,
        "profiles": report.profiles,
        "chunks": report.chunk_count,
        "embedded_chunks": report.embedded_chunks,
        "reused_chunks": report.reused_chunks,
        "added": report.added,
        "sentences": data.get("sentence_count", data.get("sentences")),
        "profiles_per_s": report.profiles / wall,
        "chunks_per_s": report.chunk_count / wall,
        "chunks_per_cpu_s": report.chunk_count / cpu if cpu else float("nan"),
        "load_average": (load_before, load_average()),
    }


def build_side(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from mgiassist.embed import load_embedder
    from mgiassist.evaluate.scale_corpus import generate_scale_corpus

    result: dict[str, Any] = {"countries": args.countries, "editions": args.editions}
    corpus, held, index_dir = work / "corpus", work / "held-out", work / "index"
    for folder in (corpus, held):
        shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    files = generate_scale_corpus(REPO / "corpus", corpus, countries=args.countries, editions=args.editions,
                                  seed=args.seed)
    result["generate_s"] = time.perf_counter() - started
    result["files"] = len(files)
    result["corpus_mb"] = sum(f.path.stat().st_size for f in files) / 2**20
    # the newest edition of the first country's mapping is the one added afterwards
    newest = max((f for f in files if f.family == "diaspora-mapping" and f.country == files[0].country),
                 key=lambda f: f.edition)
    held.mkdir(parents=True)
    shutil.move(str(newest.path), held / newest.path.name)
    result["added_file"] = newest.path.name
    print(f"corpus: {len(files)} files ({result['corpus_mb']:.1f} MB) in {result['generate_s']:.1f} s; "
          f"held back {newest.path.name}", flush=True)

    started = time.perf_counter()
    embedder = load_embedder(args.model) if args.model else load_embedder()
    result["model"] = embedder.model_id
    result["model_load_s"] = time.perf_counter() - started
    print(f"model {embedder.model_id} loaded in {result['model_load_s']:.1f} s; building "
          f"{len(files) - 1} profiles…", flush=True)

    result["build"] = timed_build(corpus, index_dir, embedder, force=True)
    b = result["build"]
    print(f"build: {b['profiles']} profiles, {b['chunks']} chunks, {b['sentences']} sentences in "
          f"{b['seconds']:.1f} s ({b['cpu_seconds']:.1f} CPU-s): {b['profiles_per_s']:.2f} profiles/s, "
          f"{b['chunks_per_s']:.1f} chunks/s", flush=True)

    shutil.copy2(held / newest.path.name, corpus / newest.path.name)
    inc = timed_build(corpus, index_dir, embedder, force=False)
    inc["new_file_chunks"] = chunk_counts(index_dir).get(newest.path.name, 0)
    result["add_edition"] = inc
    print(f"one more edition: {inc['seconds']:.1f} s; embedded {inc['embedded_chunks']}, reused "
          f"{inc['reused_chunks']}; the new edition has {inc['new_file_chunks']} chunks", flush=True)
    result["build_peak_rss_mb"] = peak_rss_mb()
    return result


# --------------------------------------------------------------------------------------------
# Serving side (a fresh process)
# --------------------------------------------------------------------------------------------


def _questions(index_dir: Path, count: int, seed: int) -> list[str]:
    from bench_pipeline import question_pool

    from mgiassist.text.countries import lookup_country

    names = sorted({p.get("country") for p in manifest(index_dir).get("profiles", {}).values()
                    if isinstance(p, dict) and p.get("country")})
    countries = [c for c in (lookup_country(n) for n in names) if c is not None]
    return question_pool(countries, count, seed=seed)


def serve_side(args: argparse.Namespace, index_dir: Path) -> dict[str, Any]:
    from mgiassist.assistant import Assistant
    from mgiassist.embed import load_embedder

    result: dict[str, Any] = {"rss_start_mb": current_rss_mb()}
    started = time.perf_counter()
    embedder = load_embedder(args.model) if args.model else None
    assistant = Assistant.load(index_dir, embedder=embedder)
    embedder = assistant.embedder
    result["load_s"] = time.perf_counter() - started
    result["rss_loaded_mb"] = current_rss_mb()
    result["chunks"] = len(assistant.index.chunks)

    pool = _questions(index_dir, args.queries + args.users * args.requests + 10, seed=args.seed)
    warm, timed, load_pool = pool[:10], pool[10 : 10 + args.queries], pool[10 + args.queries :]
    for q in warm:  # first-use costs (sentence table, filters, judge) are not a search's
        assistant.answer(q)
        embedder.encode([q])
    bare: list[float] = []
    search: list[float] = []
    answer: list[float] = []
    states: dict[str, int] = {}
    load_before = load_average()
    for q in timed:
        assistant.encoder.clear()
        t = time.perf_counter()
        embedder.encode([q])
        bare.append(time.perf_counter() - t)
        assistant.encoder.clear()
        t = time.perf_counter()
        assistant.search(q, k=5)
        search.append(time.perf_counter() - t)
        assistant.encoder.clear()
        t = time.perf_counter()
        reply = assistant.answer(q)
        answer.append(time.perf_counter() - t)
        states[reply.state] = states.get(reply.state, 0) + 1
    ms = lambda values, q: 1000 * pct(values, q)
    result.update({
        "queries": len(timed),
        "bare_p50_ms": ms(bare, 50), "bare_p95_ms": ms(bare, 95),
        "search_p50_ms": ms(search, 50), "search_p95_ms": ms(search, 95),
        "answer_p50_ms": ms(answer, 50), "answer_p95_ms": ms(answer, 95),
        "states": states,
        "latency_load_average": (load_before, load_average()),
    })
    result["search_ratio"] = result["search_p50_ms"] / result["bare_p50_ms"]
    result["answer_ratio"] = result["answer_p50_ms"] / result["bare_p50_ms"]
    print(f"{result['chunks']} chunks; bare encode p50 {result['bare_p50_ms']:.1f} ms; search p50/p95 "
          f"{result['search_p50_ms']:.1f}/{result['search_p95_ms']:.1f} ms "
          f"({result['search_ratio']:.2f}× bare); answer p50/p95 {result['answer_p50_ms']:.1f}/"
          f"{result['answer_p95_ms']:.1f} ms", flush=True)

    # where a search's time goes (bench_pipeline's instrumented pass over the same questions)
    from bench_pipeline import search_breakdown

    searcher, word_s = assistant.searcher, [0.0]
    plain_encode_texts = searcher.encode_texts

    def timed_encode_texts(texts: list[str]) -> Any:
        t = time.perf_counter()
        try:
            return plain_encode_texts(texts)
        finally:
            word_s[0] += time.perf_counter() - t

    if plain_encode_texts is not None:
        searcher.encode_texts = timed_encode_texts
    try:
        result["search_breakdown_ms"] = search_breakdown(assistant, timed, 5)
    finally:
        searcher.encode_texts = plain_encode_texts
    breakdown = result["search_breakdown_ms"]
    breakdown["unknown-word encode (in rest)"] = 1000 * word_s[0] / max(len(timed), 1)
    print("search breakdown, mean ms: " + ", ".join(
        f"{name} {value:.1f}" for name, value in result["search_breakdown_ms"].items()), flush=True)

    # 20 users, think time, at most 4 turns at once as the HTTP route runs them
    gate = threading.BoundedSemaphore(args.api_concurrency)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(args.users)

    def user(n: int) -> None:
        rng = random.Random(1000 + n)
        mine = load_pool[n * args.requests : (n + 1) * args.requests]
        start_line.wait()
        for i, q in enumerate(mine):
            if i and args.think > 0:
                time.sleep(rng.expovariate(1.0 / args.think))
            t = time.perf_counter()
            try:
                with gate:
                    assistant.answer(q)
            except Exception as exc:  # noqa: BLE001 -- a bug must not hang the run; it is reported
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - t)

    load_before = load_average()
    cpu = time.process_time()
    wall = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    result["concurrent"] = {
        "users": args.users, "requests": len(latencies), "errors": errors[:5], "think_s": args.think,
        "p50_ms": ms(latencies, 50), "p95_ms": ms(latencies, 95), "max_ms": 1000 * max(latencies, default=0),
        "throughput_per_s": len(latencies) / wall, "wall_s": wall,
        "cpu_ms_per_request": 1000 * cpu / max(len(latencies), 1),
        "load_average": (load_before, load_average()),
    }
    c = result["concurrent"]
    print(f"{args.users} users × {args.requests}, think {args.think} s: p50/p95 {c['p50_ms']:.1f}/"
          f"{c['p95_ms']:.1f} ms, {c['throughput_per_s']:.2f} answers/s, {c['cpu_ms_per_request']:.1f} CPU-ms "
          f"per answer", flush=True)
    result["rss_end_mb"] = current_rss_mb()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def serve_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    c = s["concurrent"]
    tag = f" [OPENBLAS_NUM_THREADS={s.get('openblas_threads', 'unset')}]"
    return [
        ("one bare query encode p50 / p95" + tag, f"{s['bare_p50_ms']:.1f} / {s['bare_p95_ms']:.1f} ms"),
        ("search p50 / p95" + tag, (f"{s['search_p50_ms']:.1f} / {s['search_p95_ms']:.1f} ms "
                                    f"(p50 {s['search_ratio']:.2f}× the bare encode; target ≤ {TARGET_SEARCH})")),
        ("answer p50 / p95" + tag, (f"{s['answer_p50_ms']:.1f} / {s['answer_p95_ms']:.1f} ms "
                                    f"({s['answer_ratio']:.2f}× the bare encode)")),
        (f"{c['users']} users, {c['think_s']:g} s think" + tag,
         (f"p50 / p95 {c['p50_ms']:.1f} / {c['p95_ms']:.1f} ms per answer; {c['throughput_per_s']:.2f} answers/s; "
          f"{c['cpu_ms_per_request']:.1f} CPU-ms per answer")),
        ("serving process RSS" + tag, (f"loaded {s['rss_loaded_mb']:.0f} MB, peak {s['peak_rss_mb']:.0f} MB "
                                       f"(target ≤ {TARGET_RSS_MB}); index load {s['load_s']:.1f} s")),
    ]


def table(result: dict[str, Any]) -> str:
    b, inc = result["build"], result["add_edition"]
    rows = [
        ("corpus", (f"{result['countries']} countries × 2 families × {result['editions']} editions = "
                   f"{result['files']} profiles ({result['corpus_mb']:.1f} MB of text)")),
        ("index", f"{b['chunks']:,} chunks, {b['sentences']:,} sentence vectors"),
        ("build (force, model loaded)", (f"{b['seconds']:.0f} s wall, {b['cpu_seconds']:.0f} CPU-s; "
                                        f"{b['profiles_per_s']:.2f} profiles/s, {b['chunks_per_s']:.1f} chunks/s "
                                        f"({b['chunks_per_cpu_s']:.1f} per CPU-s)")),
        ("add one edition (incremental)", (f"{inc['seconds']:.1f} s; embedded {inc['embedded_chunks']} chunks, "
                                          f"reused {inc['reused_chunks']:,}; the new edition has "
                                          f"{inc['new_file_chunks']} chunks")),
        ("build process peak RSS", f"{result['build_peak_rss_mb']:.0f} MB"),
    ]
    for run in result.get("serve_runs", {"": result["serve"]}).values():
        rows += serve_rows(run)
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def serve_child(args: argparse.Namespace, work: Path, blas: str) -> dict[str, Any]:
    """The serving measurements in a fresh process; ``blas`` is its OPENBLAS_NUM_THREADS
    ("default": as inherited)."""
    child = [sys.executable, str(Path(__file__).resolve()), "--serve-only", str(work / "index"),
             "--queries", str(args.queries), "--users", str(args.users), "--requests", str(args.requests),
             "--think", str(args.think), "--api-concurrency", str(args.api_concurrency), "--seed", str(args.seed)]
    if args.model:
        child += ["--model", args.model]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if blas != "default":
        env["OPENBLAS_NUM_THREADS"] = blas
    print(f"serving process, OPENBLAS_NUM_THREADS={env.get('OPENBLAS_NUM_THREADS', 'unset')}:", flush=True)
    proc = subprocess.run(child, env=env, capture_output=True, text=True, check=False)
    lines = proc.stdout.splitlines()
    for line in lines:
        if not line.startswith("RESULT "):
            print("  " + line, flush=True)
    found = [line for line in lines if line.startswith("RESULT ")]
    if proc.returncode or not found:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"the serving process failed (exit {proc.returncode})")
    out = json.loads(found[-1][len("RESULT "):])
    out["openblas_threads"] = env.get("OPENBLAS_NUM_THREADS", "unset")
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--countries", type=int, default=150)
    parser.add_argument("--editions", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one, kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default=None, help="embedding model (default: the package's default)")
    parser.add_argument("--queries", type=int, default=40, help="questions timed one by one")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="questions per user")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between a user's questions (s)")
    parser.add_argument("--api-concurrency", type=int, default=4, help="turns at once, as the HTTP route")
    parser.add_argument("--blas-threads", default="default,1",
                        help="serving runs, one per OPENBLAS_NUM_THREADS value ('default' = inherited)")
    parser.add_argument("--serve-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve_only is not None:  # the child process: print one JSON line last
        out = serve_side(args, args.serve_only)
        print("RESULT " + json.dumps(out))
        return out

    work = args.work or Path(tempfile.mkdtemp(prefix="mgiassist-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder {work}; load average {load_average():.1f}; {os.cpu_count()} CPUs", flush=True)
    result = build_side(args, work)
    result["serve_runs"] = {}
    for blas in args.blas_threads.split(","):
        result["serve_runs"][blas] = serve_child(args, work, blas)
    result["serve"] = result["serve_runs"][args.blas_threads.split(",")[0]]
    result["load_average_end"] = load_average()
    (work / "scale.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print()
    print(table(result))
    print(f"\n(results in {work / 'scale.json'})")
    return result


if __name__ == "__main__":
    main()
