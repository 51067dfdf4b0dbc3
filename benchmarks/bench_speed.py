"""Speed where users feel it (issue 10), side by side in one run. Numbers only, no asserts.

For each size (``seeds``, or N look-alike profiles) and each backend (``--backends``: ``torch``,
``onnx``, ``onnx-int8``):

* **build** — ``build_index(force=True)`` chunks/s and chunks per CPU second (it now also embeds
  the answer step's sentences) against the bare torch encode of the same chunks
  (``SentenceTransformer.encode``, batch 64: what a build cost before issue 10), and the ratio
  build / bare torch (issue 10's target: ≥ 1.5 per CPU second). ``--build-repeats`` interleaves
  the builds and the bare encode; the median is reported. Above ``--synthetic-above`` profiles the build runs
  with random vectors (tokenizer, chunking, sentence split, BM25, FAISS and writing for real) and
  the embedding time is projected from the backend encoding a spread-out sample of the very texts
  the build asked for, in the build's own calls.
* **query encode** p50/p95 of one question: torch on 1 and 2 threads, each other backend.
* **cold CLI** — ``mgiassist search`` in a fresh process, wall and CPU seconds (median).
* **page** — ``src/mgiassist/page/app.py`` started on a free loopback port; ``load_ui.py`` with 1 session, then
  ``--sessions`` concurrent sessions, ``--requests`` questions each; p50/p95 and the ratio of the
  p95s; server RSS idle and after. ``--page-root DIR`` adds the same page from another checkout
  (e.g. the code before issue 10) to the comparison, on its own index built by that checkout.

    .venv/bin/python benchmarks/bench_speed.py --sizes seeds,1000 --synthetic-above 100 \\
        --build-repeats 3 --sessions 0 --out /tmp/speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]

QUESTION = "Can Cambodians vote from abroad?"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _clean_seeds(workdir: Path) -> Path:
    from mgiassist.ingest import iter_profile_paths

    folder = workdir / "seeds"
    if not folder.is_dir():
        folder.mkdir(parents=True)
        for path in iter_profile_paths(REPO / "corpus"):
            shutil.copy2(path, folder / path.name)
    return folder


def corpus_for(size: str, workdir: Path) -> Path:
    if size == "seeds":
        return _clean_seeds(workdir)
    from mgiassist.evaluate.lookalike import generate_corpus

    corpus = workdir / f"corpus-{size}"
    if not corpus.is_dir():
        generate_corpus(_clean_seeds(workdir), corpus, int(size), seed=0)
    return corpus


class Recorder:
    """An embedder that records what build_index asks to encode; random vectors unless ``real``."""

    def __init__(self, inner: Any, *, real: bool) -> None:
        self.inner, self.real = inner, real
        self.model_id, self.dimension, self.max_tokens = inner.model_id, inner.dimension, inner.max_tokens
        self.backend = getattr(inner, "backend", None)
        self.calls: list[list[str]] = []
        self.encode_s = self.encode_cpu_s = 0.0
        self._rng = np.random.default_rng(0)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        started, cpu = time.perf_counter(), time.process_time()
        try:
            if self.real:
                return self.inner.encode(texts, batch_size=batch_size)
            vectors = self._rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        finally:
            self.encode_s += time.perf_counter() - started
            self.encode_cpu_s += time.process_time() - cpu


def spread_sample(calls: list[list[str]], limit: int) -> list[list[str]]:
    total = sum(len(c) for c in calls)
    if total <= limit:
        return calls
    # split the calls into pieces of ≤ 64 texts and take evenly spaced ones: short and long alike
    pieces = [c[i : i + 64] for c in calls for i in range(0, len(c), 64)]
    step = max(1, round(total / limit))
    return pieces[::step]


def measure_build(corpus: Path, index_dir: Path, embedder: Any, *, synthetic: bool, sample: int) -> dict:
    from mgiassist.index import build_index

    recorder = Recorder(embedder, real=not synthetic)
    started, cpu = time.perf_counter(), time.process_time()
    report = build_index(corpus, index_dir, embedder=recorder, progress=False, force=True)
    build_s, build_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    texts = sum(len(c) for c in recorder.calls)
    out = {"chunks": report.chunk_count, "encoded_texts": texts, "build_s": build_s, "build_cpu_s": build_cpu_s}
    if synthetic:
        part = spread_sample(recorder.calls, sample)
        started, cpu = time.perf_counter(), time.process_time()
        for call in part:
            embedder.encode(call, batch_size=64)
        share = texts / max(1, sum(len(c) for c in part))
        out["build_s"] = build_s - recorder.encode_s + share * (time.perf_counter() - started)
        out["build_cpu_s"] = build_cpu_s - recorder.encode_cpu_s + share * (time.process_time() - cpu)
        out["projected"] = True
    out["chunks_per_s"] = out["chunks"] / out["build_s"]
    out["chunks_per_cpu_s"] = out["chunks"] / out["build_cpu_s"]
    return out


def bare_torch(torch_embedder: Any, index_dir: Path, sample: int) -> tuple[float, float]:
    """chunks per second and per CPU second of the bare sentence-transformers encode of the
    index's chunk texts: the build before issue 10 (a6a8fb3) cost about this."""
    with (index_dir / "chunks.jsonl").open(encoding="utf-8") as handle:
        texts = [json.loads(line)["embed_text"] for line in handle]
    if len(texts) > sample:
        texts = texts[:: max(1, round(len(texts) / sample))]
    torch_embedder._torch.set_num_threads(os.cpu_count() or 1)
    started, cpu = time.perf_counter(), time.process_time()
    torch_embedder._model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return len(texts) / (time.perf_counter() - started), len(texts) / (time.process_time() - cpu)


def query_encodes(embedders: dict[str, Any], count: int) -> dict[str, dict[str, float]]:
    """Interleaved one-question encodes, distinct questions, per backend (torch on 1 and 2
    threads; the library runs a question on 1)."""
    from bench_pipeline import question_pool

    questions = question_pool([], count + 10, seed=3)
    calls: dict[str, Any] = {}
    for backend, embedder in embedders.items():
        if backend == "torch":
            for threads in (1, 2):
                def call(q: str, e: Any = embedder, n: int = threads) -> None:
                    e._torch.set_num_threads(n)
                    e._model.encode([q], normalize_embeddings=True)
                calls[f"torch ({threads} thread{'s' if threads > 1 else ''})"] = call
        else:
            calls[backend] = lambda q, e=embedder: e.encode([q])
    times: dict[str, list[float]] = {}
    for n, question in enumerate(questions):
        for name, call in calls.items():
            started = time.perf_counter()
            call(question)
            if n >= 10:  # warm-up
                times.setdefault(name, []).append(time.perf_counter() - started)
    return {name: {"p50_ms": pct(t, 50) * 1000, "p95_ms": pct(t, 95) * 1000} for name, t in times.items()}


def cold_cli(index_dir: Path, backend: str, runs: int) -> dict[str, float]:
    # the backend by environment: the CLI's --backend choices may not list every backend
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "MGIASSIST_BACKEND": backend}
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mgiassist.cli.main", "search", QUESTION, "--index", str(index_dir),
                        "--k", "3"], env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus)}


# -- the page under load -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used: robust to a busy machine, unlike latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(url: str, sessions: int, requests: int, client: str = "gradio") -> dict[str, float]:
    from load_ui import run_session

    start = threading.Barrier(sessions)
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        reports = list(pool.map(lambda n: run_session(url, n, requests, None, start, client), range(sessions)))
    latencies = [x for r in reports for x in r.latencies]
    return {"p50_ms": pct(latencies, 50) * 1000, "p95_ms": pct(latencies, 95) * 1000,
            "errors": sum(len(r.errors) for r in reports), "requests": len(latencies)}


def serve(root: Path, index_dir: Path, backend: str, sessions: int, requests: int,
          client: str = "gradio") -> dict[str, Any]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "GRADIO_SERVER_PORT": str(port),
           "MGIASSIST_BACKEND": backend}
    page = subprocess.Popen([sys.executable, "-m", "mgiassist.page.app", "--index", str(index_dir)], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        idle = _rss_mb(page.pid)
        _load(url, 1, 3, client)  # warm-up: the first requests build Gradio's and the model's caches
        cpu = _cpu_s(page.pid)
        one = _load(url, 1, requests, client)
        cpu_one = _cpu_s(page.pid) - cpu
        many = _load(url, sessions, requests, client)
        cpu_many = _cpu_s(page.pid) - cpu - cpu_one
        return {"rss_idle_mb": idle, "one": one, "many": many, "rss_after_mb": _rss_mb(page.pid),
                "p95_ratio": many["p95_ms"] / one["p95_ms"],
                "server_cpu_ms_per_request": 1000 * (cpu_one + cpu_many) / max(1, one["requests"] + many["requests"]),
                "load_average": os.getloadavg()[0]}
    finally:
        page.terminate()
        page.wait(timeout=30)


# -- one size ----------------------------------------------------------------------------------


def _median_build(runs: list[dict]) -> dict:
    """The run with the median CPU seconds (the least noisy measure on a shared machine)."""
    return sorted(runs, key=lambda b: b["build_cpu_s"])[len(runs) // 2]


def run_size(size: str, args: argparse.Namespace, embedders: dict[str, Any], workdir: Path) -> dict:
    corpus = corpus_for(size, workdir)
    profiles = sum(1 for _ in corpus.iterdir())
    synthetic = size != "seeds" and profiles > args.synthetic_above
    result: dict[str, Any] = {"size": size, "profiles": profiles, "backends": {},
                              "load_average": os.getloadavg()[0]}
    builds: dict[str, list[dict]] = {backend: [] for backend in embedders}
    bare: list[tuple[float, float]] = []
    # interleaved repeats: every backend and the bare torch encode see the same load
    for _ in range(max(1, args.build_repeats)):
        for backend, embedder in embedders.items():
            index_dir = workdir / f"index-{size}-{backend}"
            builds[backend].append(measure_build(corpus, index_dir, embedder, synthetic=synthetic,
                                                 sample=args.build_sample))
        bare.append(bare_torch(embedders["torch"], workdir / f"index-{size}-{next(iter(embedders))}",
                               args.build_sample))
    result["bare_torch_chunks_per_s"] = statistics.median(b[0] for b in bare)
    result["bare_torch_chunks_per_cpu_s"] = statistics.median(b[1] for b in bare)
    for backend in embedders:
        build = _median_build(builds[backend])
        build["vs_bare_cpu"] = build["chunks_per_cpu_s"] / result["bare_torch_chunks_per_cpu_s"]
        build["vs_bare_wall"] = build["chunks_per_s"] / result["bare_torch_chunks_per_s"]
        build["cli"] = cold_cli(workdir / f"index-{size}-{backend}", backend, args.cli_runs)
        result["backends"][backend] = build
        print(f"  {size} {backend}: build {build}", flush=True)
    result["query"] = query_encodes(embedders, args.queries)
    result["page"] = {}
    if args.sessions:
        for backend in embedders:
            result["page"][backend] = serve(REPO, workdir / f"index-{size}-{backend}", backend,
                                            args.sessions, args.requests, args.client)
            print(f"  {size} page {backend}: {result['page'][backend]}", flush=True)
        if args.page_root:
            before = workdir / f"index-{size}-before"
            env = {**os.environ, "PYTHONPATH": str(args.page_root / "src")}
            subprocess.run([sys.executable, "-m", "mgiassist.cli.main", "index", "--corpus", str(corpus),
                            "--index", str(before)], env=env, check=True, capture_output=True)
            result["page"]["before"] = serve(args.page_root, before, "torch", args.sessions, args.requests,
                                             args.client)
            print(f"  {size} page before: {result['page']['before']}", flush=True)
    return result


def print_tables(results: list[dict]) -> None:
    print("\nbuild (as `mgiassist index` does it: chunks and the answer step's sentence vectors)"
          " against the bare torch encode of the chunks alone; build and cold CLI")
    for r in results:
        print(f"{r['size']}: bare torch {r['bare_torch_chunks_per_s']:.1f} chunks/s, "
              f"{r['bare_torch_chunks_per_cpu_s']:.1f} chunks/CPU-s (load average {r['load_average']:.1f})")
    print(f"{'size':>6} {'backend':>9} {'chunks':>6} {'texts':>6} {'build_s':>8} {'chunks/s':>8} "
          f"{'vs_bare':>7} {'per_cpu_s':>9} {'vs_bare':>7} {'cli_wall_s':>10} {'cli_cpu_s':>9}")
    for r in results:
        for backend, b in r["backends"].items():
            star = "*" if b.get("projected") else ""
            print(f"{r['size'] + star:>6} {backend:>9} {b['chunks']:>6} {b['encoded_texts']:>6} "
                  f"{b['build_s']:>8.2f} {b['chunks_per_s']:>8.1f} {b['vs_bare_wall']:>7.2f} "
                  f"{b['chunks_per_cpu_s']:>9.1f} {b['vs_bare_cpu']:>7.2f} {b['cli']['wall_s']:>10.2f} "
                  f"{b['cli']['cpu_s']:>9.2f}")
    print("(* embedding time projected from a sample; target: per_cpu_s vs_bare >= 1.5)")
    print("\nquery encode (one question)")
    for r in results:
        for name, q in r["query"].items():
            print(f"{r['size']:>6} {name:>18} p50 {q['p50_ms']:7.2f} ms  p95 {q['p95_ms']:7.2f} ms")
    print("\npage: 1 session vs N concurrent sessions (load_ui), server RSS")
    print(f"{'size':>6} {'page':>7} {'1_p50':>7} {'1_p95':>7} {'N_p50':>7} {'N_p95':>7} {'ratio':>6} "
          f"{'errors':>6} {'rss_idle':>8} {'rss_after':>9} {'cpu_ms/req':>10} {'loadavg':>7}")
    for r in results:
        for name, p in r["page"].items():
            print(f"{r['size']:>6} {name:>7} {p['one']['p50_ms']:>7.0f} {p['one']['p95_ms']:>7.0f} "
                  f"{p['many']['p50_ms']:>7.0f} {p['many']['p95_ms']:>7.0f} {p['p95_ratio']:>6.2f} "
                  f"{p['one']['errors'] + p['many']['errors']:>6} {p['rss_idle_mb']:>8.0f} "
                  f"{p['rss_after_mb']:>9.0f} {p['server_cpu_ms_per_request']:>10.1f} {p['load_average']:>7.1f}")


def main(argv: list[str] | None = None, *, embedders: dict[str, Any] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="seeds")
    parser.add_argument("--synthetic-above", type=int, default=100)
    parser.add_argument("--build-sample", type=int, default=1024, help="texts encoded for projections")
    parser.add_argument("--build-repeats", type=int, default=1, help="interleaved builds per backend")
    parser.add_argument("--backends", default="torch,onnx,onnx-int8", help="torch is always measured")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=20, help="0 skips the page")
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--client", choices=["gradio", "http"], default="gradio",
                        help="load_ui's client: gradio_client, or plain HTTP (far less client CPU)")
    parser.add_argument("--page-root", type=Path, default=None, help="another checkout's page to compare")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    random.seed(0)
    if embedders is None:
        from mgiassist.embed import load_embedder

        names = ["torch", *(b for b in args.backends.split(",") if b.strip() not in ("", "torch"))]
        embedders = {name.strip(): load_embedder(backend=name.strip()) for name in names}
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="mgiassist-speed-"))
    results = []
    try:
        for size in args.sizes.split(","):
            results.append(run_size(size.strip(), args, embedders, workdir))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print_tables(results)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
