"""Warming ranx in a child process: the parent never imports numba, and a failure is one log line."""

from __future__ import annotations

import logging
import sys

import pytest

from mgiassist.evaluate.warm import warm_in_child

pytestmark = pytest.mark.slow


def test_the_toy_warm_up_runs_in_a_child_and_leaves_numba_out_of_this_process() -> None:
    had_numba = "numba" in sys.modules
    assert warm_in_child() is True
    assert ("numba" in sys.modules) == had_numba


def test_a_failed_warm_up_is_logged_in_one_line_not_raised(tmp_path, caplog) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "q1", "question": "Can citizens vote from abroad?"}\n')
    with caplog.at_level(logging.WARNING, logger="mgiassist.evaluate"):
        assert warm_in_child(str(tmp_path / "no-index"), str(questions)) is False
    [record] = [r for r in caplog.records if "warming the evaluation metrics failed" in r.message]
    assert "\n" not in record.getMessage()
