"""Load check for the chat page: concurrent sessions through the Gradio API on loopback.

Not a test: it prints what it saw. Start the page first (``python ui/app.py``), then::

    python benchmarks/load_ui.py [--url http://127.0.0.1:7860/] [--sessions 20] [--requests 5]

Each session is its own ``gradio_client.Client`` (its own session hash and queue entries) and
asks a bounded number of questions — follow-ups carry the session's earlier questions as history,
like the page does. Latency is measured per request, client side, queue wait included.

``--client http`` drives the same ``/ask`` endpoint through Gradio's documented HTTP API (one
POST, then the server-sent result) with one keep-alive ``httpx`` connection per session. It costs
the load generator far less CPU than ``gradio_client`` (about 68 ms of client CPU per request
against 12 ms in the server, measured): on a two-core machine the default client otherwise
competes with the server it measures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

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


class HttpAsk:
    """``/ask`` through Gradio's HTTP API: POST the inputs, read the server-sent result."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        import httpx

        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=300)
        if auth:
            self._http.post("/login", data={"username": auth[0], "password": auth[1]}).raise_for_status()

    def predict(self, question: str, history: list[str], api_name: str = "/ask") -> dict:
        posted = self._http.post(f"/gradio_api/call{api_name}", json={"data": [question, history, "", "", "", ""]})
        posted.raise_for_status()
        event = posted.json()["event_id"]
        with self._http.stream("GET", f"/gradio_api/call{api_name}/{event}") as stream:
            kind = ""
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    data = line.split(":", 1)[1].strip()
                    if kind == "error":
                        raise RuntimeError(f"the page failed: {data}")
                    return json.loads(data)[0]
        raise RuntimeError("the result stream ended without a result")


def _connect(url: str, auth: tuple[str, str] | None, kind: str):
    if kind == "http":
        return HttpAsk(url, auth)
    from gradio_client import Client

    return Client(url, verbose=False, auth=auth)


def run_session(
    url: str, number: int, requests: int, auth: tuple[str, str] | None, start: threading.Barrier,
    client_kind: str = "gradio",
) -> SessionReport:
    report = SessionReport()
    client = None
    try:
        client = _connect(url, auth, client_kind)
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
    parser.add_argument(
        "--client", choices=["gradio", "http"], default="gradio",
        help="gradio_client (default), or plain HTTP calls that cost the load generator less CPU",
    )
    args = parser.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None

    start = threading.Barrier(args.sessions)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.sessions) as pool:
        futures = [
            pool.submit(run_session, args.url, n, args.requests, auth, start, args.client)
            for n in range(args.sessions)
        ]
        reports = [f.result() for f in futures]
    wall = time.perf_counter() - began

    latencies = [x for r in reports for x in r.latencies]
    errors = [e for r in reports for e in r.errors]
    print(f"sessions={args.sessions} requests/session={args.requests} url={args.url} client={args.client}")
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
