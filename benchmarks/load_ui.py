"""Load check for the chat page: concurrent sessions through the Gradio API on loopback.

Not a test: it prints what it saw. Start the page first (``python ui/app.py``), then::

    python benchmarks/load_ui.py [--url http://127.0.0.1:7860/] [--sessions 20] [--requests 5]

Each session is its own ``gradio_client.Client`` (its own session hash and queue entries) and
asks a bounded number of questions — follow-ups carry the session's earlier questions as history,
like the page does. Latency is measured per request, client side, queue wait included.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from gradio_client import Client

__all__ = ["OPENERS", "QUESTIONS", "SessionReport", "main", "percentile", "run_session"]

QUESTIONS = [
    "Can Cambodians vote from abroad?",
    "What about migrant resource centres there?",
    "What does the Thailand MoU cover?",
    "What is known about remittances?",
    "What are the obstacles to diaspora engagement?",
    "What services do migrant resource centres provide?",
]
# Staff phrase the same question many ways; prefixing one of these keeps most requests distinct,
# so the page's embedding caches do not make the run look faster than real use.
OPENERS = ["", "Please tell me: ", "I would like to know: ", "Quick question: ", "For a briefing: ",
           "Could you check: ", "From the profiles: ", "In short: "]


@dataclass
class SessionReport:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_session(
    url: str, number: int, requests: int, auth: tuple[str, str] | None, start: threading.Barrier
) -> SessionReport:
    report = SessionReport()
    client = None
    try:
        client = Client(url, verbose=False, auth=auth)
    except Exception as exc:  # noqa: BLE001 - refused, auth, bad URL: each is one reported line
        report.errors.append(f"session {number}: cannot connect: {type(exc).__name__}: {exc}")
    # Every session starts asking at the same moment; a session that failed still arrives, so
    # the others are not left waiting.
    start.wait(timeout=120)
    if client is None:
        return report
    history: list[str] = []
    for i in range(requests):
        question = OPENERS[(number * 3 + i) % len(OPENERS)] + QUESTIONS[(number + i) % len(QUESTIONS)]
        began = time.perf_counter()
        try:
            result = client.predict(question, history, api_name="/ask")
        except Exception as exc:  # noqa: BLE001 - a load run counts every failure, whatever its kind
            report.errors.append(f"session {number} request {i}: {type(exc).__name__}: {exc}")
            continue
        report.latencies.append(time.perf_counter() - began)
        if result.get("error"):
            report.errors.append(f"session {number} request {i}: page said: {result['error']}")
        elif not result.get("abstained") and not result.get("citations"):
            report.errors.append(f"session {number} request {i}: an answer without citations")
        history.append(question)
    return report


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low, high = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--requests", type=int, default=5, help="questions per session (bounded)")
    parser.add_argument(
        "--auth", default="", help='"user:password" when the page uses MGIASSIST_AUTH'
    )
    args = parser.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None

    start = threading.Barrier(args.sessions)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.sessions) as pool:
        futures = [
            pool.submit(run_session, args.url, n, args.requests, auth, start)
            for n in range(args.sessions)
        ]
        reports = [f.result() for f in futures]
    wall = time.perf_counter() - began

    latencies = [x for r in reports for x in r.latencies]
    errors = [e for r in reports for e in r.errors]
    print(f"sessions={args.sessions} requests/session={args.requests} url={args.url}")
    print(f"completed={len(latencies)} errors={len(errors)} wall={wall:.1f}s")
    if latencies:
        print(
            f"latency p50={percentile(latencies, 0.5) * 1000:.0f}ms p95={percentile(latencies, 0.95) * 1000:.0f}ms "
            f"max={max(latencies) * 1000:.0f}ms mean={statistics.mean(latencies) * 1000:.0f}ms"
        )
    for error in errors[:20]:
        print("error:", error)
    if len(errors) > 20:
        print(f"… and {len(errors) - 20} more errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
