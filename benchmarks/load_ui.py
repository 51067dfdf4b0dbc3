"""Load check for the chat page: concurrent sessions through the page's APIs on loopback.

Not a test: it prints what it saw. Start the page first (``python src/mgiassist/page/app.py``), then::

    python benchmarks/load_ui.py [--url http://127.0.0.1:7860/] [--sessions 20] [--requests 5] \
        [--client gradio|http|api] [--pid SERVER_PID]

One run makes two passes against the same server: one session alone (the single-user latency),
then ``--sessions`` sessions at once, closed loop with no think time unless ``--think`` gives a
mean pause between a session's questions (people read the answer before asking again); it prints both p50/p95 and
the ratio of the p95s. With ``--pid`` (the server's process id, Linux) it also prints the
server's CPU per request and its resident memory after each pass.

Each session is its own ``gradio_client.Client`` (its own session hash and queue entries) and
asks a bounded number of questions — follow-ups carry the session's earlier questions as history,
like the page does. Latency is measured per request, client side, queue wait included.

``--client http`` drives the same ``/ask`` endpoint through Gradio's documented HTTP API (one
POST, then the server-sent result) with one keep-alive ``httpx`` connection per session. It costs
the load generator far less CPU than ``gradio_client`` (about 68 ms of client CPU per request
against 12 ms in the server, measured): on a two-core machine the default client otherwise
competes with the server it measures.

``--client api`` posts to the page's lean JSON route ``/api/ask`` (one request per question, no
queue, no event stream; see docs/serving.md), also on one keep-alive connection per session.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

__all__ = [
    "OPENERS", "QUESTIONS", "ApiAsk", "HttpAsk", "PassReport", "SessionReport", "main", "percentile",
    "run_pass", "run_session",
]

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


class ApiAsk:
    """The page's lean ``POST /api/ask``: one request, the answer as JSON (or ``{"error"}``)."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        import httpx

        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=300)
        if auth:
            self._http.post("/login", data={"username": auth[0], "password": auth[1]}).raise_for_status()

    def predict(self, question: str, history: list[str], api_name: str = "/ask") -> dict:
        response = self._http.post("/api/ask", json={"question": question, "history": history})
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response.json()


def _connect(url: str, auth: tuple[str, str] | None, kind: str):
    if kind == "http":
        return HttpAsk(url, auth)
    if kind == "api":
        return ApiAsk(url, auth)
    from gradio_client import Client

    return Client(url, verbose=False, auth=auth)


def run_session(
    url: str, number: int, requests: int, auth: tuple[str, str] | None, start: threading.Barrier,
    client_kind: str = "gradio", think_seconds: float = 0.0,
) -> SessionReport:
    report = SessionReport()
    # A person reads the answer before asking again: pauses drawn from an exponential with the
    # given mean, seeded per session so runs repeat.
    pauses = random.Random(number)
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
        if think_seconds > 0 and i > 0:
            time.sleep(pauses.expovariate(1.0 / think_seconds))
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


def _server_cpu_s(pid: int | None) -> float:
    """User + system CPU seconds the server has used (Linux ``/proc``); NaN without a pid."""
    if pid is None:
        return float("nan")
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_rss_mb(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class PassReport:
    """One pass: every session's latencies and errors, the wall time, the server's share."""

    sessions: int
    latencies: list[float]
    errors: list[str]
    wall: float
    server_cpu_s: float
    server_rss_mb: float

    def line(self, label: str) -> str:
        ms = [x * 1000 for x in self.latencies]
        text = (
            f"{label}: sessions={self.sessions} completed={len(ms)} errors={len(self.errors)} "
            f"wall={self.wall:.1f}s"
        )
        if ms:
            text += (
                f" p50={percentile(ms, 0.5):.0f}ms p95={percentile(ms, 0.95):.0f}ms "
                f"max={max(ms):.0f}ms mean={statistics.mean(ms):.0f}ms"
            )
        if self.server_cpu_s == self.server_cpu_s and ms:  # not NaN: a --pid was given
            text += (
                f" server_cpu/request={self.server_cpu_s / len(ms) * 1000:.1f}ms "
                f"server_rss={self.server_rss_mb:.0f}MB"
            )
        return text


def run_pass(
    url: str, sessions: int, requests: int, auth: tuple[str, str] | None, client: str,
    pid: int | None = None, first_session: int = 0, think_seconds: float = 0.0,
) -> PassReport:
    """``sessions`` sessions asking ``requests`` questions each, all starting at once."""
    start = threading.Barrier(sessions)
    cpu = _server_cpu_s(pid)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [
            pool.submit(
                run_session, url, first_session + n, requests, auth, start, client, think_seconds
            )
            for n in range(sessions)
        ]
        reports = [f.result() for f in futures]
    wall = time.perf_counter() - began
    return PassReport(
        sessions=sessions,
        latencies=[x for r in reports for x in r.latencies],
        errors=[e for r in reports for e in r.errors],
        wall=wall,
        server_cpu_s=_server_cpu_s(pid) - cpu,
        server_rss_mb=_server_rss_mb(pid),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--sessions", type=int, default=20, help="sessions of the concurrent pass")
    parser.add_argument("--requests", type=int, default=5, help="questions per session (bounded)")
    parser.add_argument(
        "--auth", default="", help='"user:password" when the page uses MGIASSIST_AUTH'
    )
    parser.add_argument(
        "--client", choices=["gradio", "http", "api"], default="gradio",
        help="gradio_client (default); plain HTTP to Gradio's /ask (far less load-generator CPU); "
        "or the page's lean JSON route /api/ask",
    )
    parser.add_argument("--pid", type=int, help="the server's process id: print its CPU and RSS")
    parser.add_argument(
        "--no-warmup", action="store_true", help="skip the untimed warm-up (every session's "
        "questions asked once, one session at a time)",
    )
    parser.add_argument(
        "--no-single", action="store_true", help="skip the single-user pass (concurrent pass only)"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, metavar="SECONDS",
        help="mean pause between a session's questions (exponential; default 0: closed loop)",
    )
    args = parser.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None

    print(
        f"url={args.url} client={args.client} sessions={args.sessions} "
        f"requests/session={args.requests} think={args.think}s"
    )
    passes: list[tuple[str, PassReport]] = []
    if not args.no_warmup:
        # The workload once, one session at a time: both timed passes then find the server's
        # caches (query vectors) equally warm, so their ratio compares like with like.
        for number in range(args.sessions):
            run_pass(args.url, 1, args.requests, auth, args.client, None, first_session=number)
    if not args.no_single:
        passes.append(
            ("single", run_pass(args.url, 1, args.requests, auth, args.client, args.pid,
                                think_seconds=args.think))
        )
    passes.append(
        (f"{args.sessions}x{args.requests}",
         run_pass(args.url, args.sessions, args.requests, auth, args.client, args.pid,
                  think_seconds=args.think))
    )
    for label, report in passes:
        print(report.line(label))
    if len(passes) == 2 and passes[0][1].latencies and passes[1][1].latencies:
        one, many = (percentile(r.latencies, 0.95) for _, r in passes)
        print(f"p95 ratio ({args.sessions} sessions / 1 session) = {many / one:.1f}")
    errors = [e for _, r in passes for e in r.errors]
    for error in errors[:20]:
        print("error:", error)
    if len(errors) > 20:
        print(f"… and {len(errors) - 20} more errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
