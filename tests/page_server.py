"""Start ``src/mgiassist/page/app.py`` in a subprocess on a free loopback port, for tests that need a real server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_page(index: Path, **env: str) -> Iterator[str]:
    """The page serving ``index`` with these extra environment variables; yields its URL."""
    port = free_port()
    environment = {
        **os.environ,
        **env,
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "mgiassist.page.app", "--index", str(index)],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"the page did not start: {server.stderr.read()[-2000:]}")
            try:
                httpx.get(url + "/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("the page did not answer within 120 s")
                time.sleep(0.3)
        yield url
    finally:
        stop(server)


def stop(process: subprocess.Popen) -> None:
    """Stop a page process: politely, then for good after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
