"""The library behind the chat page: the index loaded once, one chat turn, the viewer, compare.

Everything here is plain Python over :mod:`mgiassist` (no Gradio), so the coordinator can change
how an answer is made in one place (:meth:`Page.record`) and how the index is (re)loaded in
another (:meth:`Page.load`).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from mgiassist.answer import Answer
from mgiassist.assistant import Assistant
from mgiassist.errors import IndexMissingError, MgiassistError
from mgiassist.export import ComparisonRow, compare_countries, comparison_csv
from mgiassist.live import LiveAssistant
from mgiassist.page.render import VIEWER_EMPTY, chunk_view_html
from mgiassist.search.searcher import MAX_QUERY_CHARS
from mgiassist.suggest import Guide

__all__ = ["ANY", "HISTORY_TURNS", "MAX_QUERY_CHARS", "Page", "clean_filters"]

ANY = "Any"
HISTORY_TURNS = 4  # earlier questions passed for contextualising a follow-up
SHOWN_QUESTION_CHARS = 300  # a rejected 100,000-character message is not echoed in full


def clean_filters(**values: str | None) -> dict[str, str | None]:
    """The filters as the library takes them: "Any" and empty values mean no filter."""
    return {name: (None if not v or v == ANY else v) for name, v in values.items()}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Page:
    """The assistant loaded once at start-up, or the one-line reason it could not be."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self.guide = Guide([])
        # Loads now and again whenever `mgiassist index` swaps in a new index (checked between
        # requests); a failed load keeps its one-line reason instead of raising.
        self.live = LiveAssistant(self.index_dir, on_reload=self._use)

    def _use(self, assistant: Assistant) -> None:
        """Called on every (re)load, before the new assistant answers anything."""
        self.guide = Guide(assistant.index.chunks, assistant.index.manifest)

    @property
    def assistant(self) -> Assistant | None:
        """The current assistant; ``None`` while no index could be loaded."""
        return self.live.assistant

    @property
    def error(self) -> str | None:
        """Why the page cannot answer at all (no usable index), with what to do about it."""
        reason = self.live.error
        if reason is None:
            return None
        hint = "" if "mgiassist index" in reason else (
            f" — build it with `mgiassist index --index {self.index_dir}` (or `make run`);"
            " the page picks it up without a restart"
        )
        state = "is missing" if not (self.index_dir / "manifest.json").is_file() else "cannot be used"
        return f"The search index at {self.index_dir} {state}: {reason}{hint}."

    def notice(self) -> str | None:
        """The banner's message (read on every refresh, so a live reload can change it)."""
        return self.error or self.live.banner

    @property
    def facets(self) -> dict[str, list[str]]:
        if self.assistant is None:
            return {"country": [], "family": [], "domain": [], "polarity": []}
        return self.assistant.facets

    def answer(
        self, question: str, history: list[str], filters: dict[str, str | None], k: int = 5
    ) -> Answer:
        assistant = self.assistant  # once: a live reload may swap it between two reads
        if assistant is None:
            raise IndexMissingError(self.error or "the index is not loaded")
        return assistant.answer(question, history[-HISTORY_TURNS:], k=k, **filters)

    def record(
        self, question: str, history: list[str], filters: dict[str, str | None]
    ) -> dict[str, Any]:
        """One chat turn as a JSON-ready dict: the answer with its citations, or an error.

        This is the one place a turn is answered (the chat, the API and the exports read it)."""
        try:
            record = self.answer(question, history, filters).to_dict()
        except MgiassistError as exc:
            shown = (
                question
                if len(question) <= SHOWN_QUESTION_CHARS
                else question[:SHOWN_QUESTION_CHARS] + "…"
            )
            return {"question": shown, "error": str(exc), "citations": []}
        record["filters"] = {k: v for k, v in filters.items() if v}
        record["asked_at"] = _now()
        record["index_version"] = self.guide.version
        record["follow_ups"] = self.guide.follow_ups(record)
        return record

    def view(self, chunk_id: str, records: list[dict[str, Any]] | None, *, whole_profile: bool) -> str:
        """The source viewer's HTML for one passage (its section, or its whole profile)."""
        if not chunk_id:
            return VIEWER_EMPTY
        if self.assistant is None:
            return f'<div class="mgi-error">{html.escape(self.error or "")}</div>'
        try:
            target = self.assistant.chunk(chunk_id)
            chunks = (
                self.assistant.profile_chunks(target.source)
                if whole_profile
                else self.assistant.section_chunks(chunk_id)
            )
        except MgiassistError:  # an id from an old session or a hand-edited link
            return (
                '<div class="mgi-error">This passage is no longer in the index (the index was '
                "rebuilt since it was cited). Ask the question again.</div>"
            )
        sentences = [
            s
            for r in records or []
            for p in r.get("citations", [])
            if p.get("chunk_id") == chunk_id
            for s in p.get("highlights", [])
        ]
        return chunk_view_html(target, chunks, sentences, whole_profile=whole_profile)

    def compare(self, question: str) -> tuple[list[ComparisonRow] | str, str]:
        """The comparison rows and their CSV, or a one-line error message and ""."""
        if self.assistant is None:
            return self.error or "the index is not loaded", ""
        countries = self.facets["country"]
        if not countries:
            return "the index holds no country profile to compare", ""
        if not (question or "").strip():
            return "type a question to compare, then press Compare", ""
        try:
            rows = compare_countries(
                question, countries, lambda q, c: self.answer(q, [], {"country": c}, k=3)
            )
        except MgiassistError as exc:
            return str(exc), ""
        return rows, comparison_csv(question, rows)
