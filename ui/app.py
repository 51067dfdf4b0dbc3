"""The Gradio chat page: ask, read cited passages, open sources, compare countries, export.

Run it with ``python ui/app.py [--index DIR]`` (or ``make run``). The page is thin: it parses
what the user typed, calls :mod:`mgiassist` (search, :mod:`mgiassist.answer`,
:mod:`mgiassist.export`) and turns the results into HTML. Nothing is retrieved or scored here.
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

import gradio as gr
from evaluate_tab import build_evaluate_tab  # a sibling module: the page runs as `python ui/app.py`

from mgiassist.answer import Answer, Span, cached_encoder, compose_answer, highlight_html
from mgiassist.assistant import Assistant
from mgiassist.errors import MgiassistError
from mgiassist.export import (
    compare_countries,
    comparison_csv,
    conversation_csv,
    conversation_json,
    conversation_markdown,
)
from mgiassist.index import index_status
from mgiassist.schema import FAMILY_LABELS, Chunk

__all__ = ["Page", "build_demo", "main", "render_answer_html", "render_chat"]

log = logging.getLogger("mgiassist.ui")

HERE = Path(__file__).resolve().parent
EXAMPLES = [
    "Can Cambodians vote from abroad?",
    "What services do migrant resource centres provide?",
    "What does the Thailand MoU cover?",
    "What is known about remittances?",
    "What are the obstacles to diaspora engagement?",
]
ANY = "Any"
HISTORY_TURNS = 4  # earlier questions passed for contextualising a follow-up
SHOWN_QUESTION_CHARS = 300  # a rejected 100,000-character message is not echoed in full
CHUNK_LINK = "#mgi-chunk-"  # citation links carry the chunk id; the click script opens the viewer

# Citation links are plain anchors (they survive the chatbot's HTML sanitiser); a capturing click
# listener turns them into a value on a hidden textbox, whose change event opens the viewer.
HEAD = """
<script>
document.addEventListener('click', function (event) {
  var link = event.target.closest && event.target.closest('a[href^="#mgi-chunk-"]');
  if (!link) { return; }
  event.preventDefault();
  event.stopPropagation();
  var id = link.getAttribute('href').slice('#mgi-chunk-'.length);
  var box = document.querySelector('#mgi-open-chunk textarea, #mgi-open-chunk input');
  if (!box) { return; }
  var setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), 'value').set;
  setter.call(box, id + '|' + Date.now());
  box.dispatchEvent(new Event('input', { bubbles: true }));
  var viewer = document.getElementById('mgi-viewer');
  if (viewer) { viewer.scrollIntoView({ behavior: 'smooth', block: 'start' }); }
}, true);
</script>
"""


# -- the loaded library ------------------------------------------------------------------------


class Page:
    """The assistant loaded once at start-up, or the one-line reason it could not be."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self.assistant: Assistant | None = None
        self.error: str | None = None
        status = index_status(self.index_dir)
        if status.state != "current":
            reasons = "; ".join(status.reasons)
            hint = f"rebuild it with `mgiassist index --index {self.index_dir}` (or `make run`) and restart the page"
            self.error = f"The search index at {self.index_dir} is {status.state}" + (
                f": {reasons}" if reasons else ""
            )
            self.error += "." if "mgiassist index" in reasons else f" — {hint}."
            return
        try:
            self.assistant = Assistant.load(self.index_dir)
        except MgiassistError as exc:
            self.error = f"The search index cannot be used: {exc}"
            return
        self._encode = cached_encoder(self.assistant.embedder.encode)

    @property
    def facets(self) -> dict[str, list[str]]:
        if self.assistant is None:
            return {"country": [], "family": [], "domain": [], "polarity": []}
        return self.assistant.facets

    def answer(
        self, question: str, history: list[str], filters: dict[str, str | None], k: int = 5
    ) -> Answer:
        if self.assistant is None:
            raise MgiassistError(self.error or "the index is not loaded")
        result = self.assistant.search(question, k=k, history=history[-HISTORY_TURNS:], **filters)
        return compose_answer(result, self._encode)

    def record(
        self, question: str, history: list[str], filters: dict[str, str | None]
    ) -> dict[str, Any]:
        """One chat turn as a JSON-ready dict: the answer with its citations, or an error."""
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
        return record


def _filters(
    country: str | None, family: str | None, domain: str | None, polarity: str | None
) -> dict[str, str | None]:
    def clean(value: str | None) -> str | None:
        return None if not value or value == ANY else value

    return {
        "country": clean(country),
        "family": clean(family),
        "domain": clean(domain),
        "polarity": clean(polarity),
    }


# -- HTML --------------------------------------------------------------------------------------


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _spans(text: str, sentences: list[str]) -> list[Span]:
    spans = []
    for sentence in sentences:
        start = text.find(sentence)
        if start >= 0:
            spans.append(Span(start, start + len(sentence)))
    return spans


def _safe_url(url: str) -> str | None:
    # Footnote parsing can leave a trailing ":" or "." (e.g. "report.pdf: 13"); only http(s) is linked.
    url = url.rstrip(":.,;)")
    return url if url.startswith(("http://", "https://")) else None


def _footnotes_html(passage: dict[str, Any]) -> str:
    items = []
    for note in passage.get("citation", {}).get("footnotes", []):
        links = [u for u in (_safe_url(u) for u in note.get("urls", [])) if u]
        if links:
            anchors = " ".join(
                f'<a class="mgi-source" href="{_esc(u)}" target="_blank" rel="noopener noreferrer">{_esc(u)}</a>'
                for u in links
            )
        else:
            anchors = _esc(note.get("text", ""))
        items.append(
            f'<li><span class="mgi-fn">{_esc(note.get("number", ""))}</span> {anchors}</li>'
        )
    return f'<ul class="mgi-footnotes">{"".join(items)}</ul>' if items else ""


def _passage_html(passage: dict[str, Any], *, highlight: bool = True) -> str:
    text = passage.get("text", "")
    spans = _spans(text, passage.get("highlights", [])) if highlight else []
    link = f"{CHUNK_LINK}{_esc(passage.get('chunk_id', ''))}"
    return (
        f'<div class="mgi-passage" data-marker="{_esc(passage.get("marker", ""))}">'
        f'<div class="mgi-citation"><a class="mgi-cite" href="{link}" title="Open the whole section">'
        f"[{_esc(passage.get('marker', ''))}] {_esc(passage.get('label', ''))}</a></div>"
        f'<div class="mgi-text">{highlight_html(text, spans)}</div>'
        f"{_footnotes_html(passage)}</div>"
    )


def render_answer_html(record: dict[str, Any]) -> str:
    """The assistant's reply for one turn. Every piece of corpus or user text is escaped.

    The markup is kept on one line with no blank lines, so the chatbot's Markdown renderer
    passes it through as a single HTML block instead of reading it as Markdown.
    """
    if record.get("error"):
        return f'<div class="mgi-error">⚠️ {_esc(record["error"])}</div>'
    parts = ['<div class="mgi-answer">']
    if record.get("contextualised"):
        parts.append(
            f'<div class="mgi-searched">Searched for: {_esc(record.get("search_query", ""))}</div>'
        )
    if record.get("notes"):
        # e.g. "narrowed to Cambodia", "no indexed profile covers Kenya": why these passages
        parts.append(f'<div class="mgi-notes">{_esc("; ".join(record["notes"]))}</div>')
    by_marker = {p["marker"]: p for p in record.get("citations", [])}
    if record.get("abstained") or not record.get("sentences"):
        parts.append(
            '<p class="mgi-abstain">The indexed profiles don\'t appear to cover this question.'
            " Try rephrasing it, or removing filters.</p>"
        )
        nearest = record.get("nearest", [])
        if nearest:
            parts.append(
                f'<details class="mgi-nearest"><summary>Nearest passages ({len(nearest)}) — not an answer</summary>'
            )
            parts.extend(_passage_html(p, highlight=False) for p in nearest)
            parts.append("</details>")
    else:
        sentences = []
        for sentence in record["sentences"]:
            passage = by_marker.get(sentence["marker"], {})
            link = f"{CHUNK_LINK}{_esc(passage.get('chunk_id', ''))}"
            sentences.append(
                f'{_esc(sentence["text"])} <a class="mgi-marker" href="{link}">[{_esc(sentence["marker"])}]</a>'
            )
        parts.append(f'<p class="mgi-short">{" ".join(sentences)}</p>')
        parts.append('<div class="mgi-passages">')
        parts.extend(_passage_html(p) for p in record.get("citations", []))
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def render_chat(records: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for record in records or []:
        messages.append({"role": "user", "content": _esc(record.get("question", ""))})
        messages.append({"role": "assistant", "content": render_answer_html(record)})
    return messages


def _chunk_html(chunk: Chunk, target: str, sentences: list[str], *, show_heading: bool) -> str:
    is_target = chunk.chunk_id == target
    spans = _spans(chunk.text, sentences) if is_target else []
    heading = (
        f'<div class="mgi-heading">{_esc(" › ".join(chunk.heading_path))}</div>'
        if show_heading
        else ""
    )
    css = "mgi-chunk mgi-target" if is_target else "mgi-chunk"
    return f'<div class="{css}" id="mgi-view-{_esc(chunk.chunk_id)}">{heading}<div class="mgi-text">{highlight_html(chunk.text, spans)}</div></div>'


# -- event handlers ----------------------------------------------------------------------------


def build_demo(page: Page) -> gr.Blocks:
    facets = page.facets

    def respond(
        message: str,
        records: list[dict[str, Any]] | None,
        country: str,
        family: str,
        domain: str,
        polarity: str,
    ) -> tuple[list[dict[str, str]], list[dict[str, Any]], str]:
        records = list(records or [])
        history = [r["question"] for r in records if not r.get("error")]
        records.append(
            page.record(message or "", history, _filters(country, family, domain, polarity))
        )
        return render_chat(records), records, ""

    def restore(records: list[dict[str, Any]] | None) -> tuple[list[dict[str, str]], Any, Any]:
        # Asking opens only once the stored conversation is back: an answer that arrived before
        # this restore would be overwritten by the older, restored chat.
        return render_chat(records), gr.update(interactive=True), gr.update(interactive=True)

    def clear() -> tuple[list[Any], list[Any], str, None]:
        return [], [], VIEWER_EMPTY, None

    def open_chunk(
        token: str, records: list[dict[str, Any]] | None, whole_profile: bool = False
    ) -> tuple[str, str | None]:
        chunk_id = (token or "").split("|", 1)[0]
        if not chunk_id:
            return VIEWER_EMPTY, None
        if page.assistant is None:
            return f'<div class="mgi-error">{_esc(page.error)}</div>', None
        try:
            target = page.assistant.chunk(chunk_id)
            chunks = (
                page.assistant.profile_chunks(target.source)
                if whole_profile
                else page.assistant.section_chunks(chunk_id)
            )
        except MgiassistError as exc:  # an id from an old session or a hand-edited link
            return f'<div class="mgi-error">{_esc(exc)}</div>', None
        sentences = [
            s
            for r in records or []
            for p in r.get("citations", [])
            if p.get("chunk_id") == chunk_id
            for s in p.get("highlights", [])
        ]
        family = FAMILY_LABELS.get(target.family, target.family)
        scope = "Whole profile" if whole_profile else "Section"
        where = " › ".join(target.heading_path[:2]) if not whole_profile else ""
        header = (
            f'<div class="mgi-viewer-head"><div class="mgi-viewer-title">{_esc(target.title)}</div>'
            f'<div class="mgi-viewer-meta">{_esc(target.country or "")} · {_esc(family)}{", " + _esc(target.date) if target.date else ""}'
            f" · {scope}{': ' + _esc(where) if where else ''} · <code>{_esc(target.source)}</code></div></div>"
        )
        body = "".join(
            _chunk_html(
                c,
                chunk_id,
                sentences,
                show_heading=whole_profile or c.heading_path != target.heading_path,
            )
            for c in chunks
        )
        return f'<div class="mgi-viewer">{header}{body}</div>', chunk_id

    def open_profile(chunk_id: str | None, records: list[dict[str, Any]] | None) -> str:
        if not chunk_id:
            return VIEWER_EMPTY
        return open_chunk(chunk_id, records, whole_profile=True)[0]

    def export(records: list[dict[str, Any]] | None, kind: str) -> gr.File:
        writer = {"md": conversation_markdown, "csv": conversation_csv, "json": conversation_json}[
            kind
        ]
        # The file box stays hidden until there is something to download.
        return gr.File(
            value=_write_download(f"mgiassist-conversation.{kind}", writer(records or [])),
            visible=True,
        )

    def on_compare(question: str) -> tuple[list[list[str]], gr.File]:
        rows, text = run_compare(page, question)
        if isinstance(rows, str):
            return [["", rows, "", ""]], gr.File(value=None, visible=False)
        table = [[r.country, r.answer, r.citation, r.passage] for r in rows]
        return table, gr.File(value=_write_download("mgiassist-comparison.csv", text), visible=True)

    with gr.Blocks(
        title="mgiassist — migration governance profiles", delete_cache=(3600, 3600)
    ) as demo:
        gr.Markdown(
            "# mgiassist\nAsk about the indexed migration-governance profiles (IOM MGI profiles, EUDiF diaspora "
            "engagement mappings). Answers are sentences quoted from the profiles, each with its citation.",
            elem_id="mgi-intro",
        )
        if page.error:
            gr.Markdown(
                f"⚠️ **{page.error}**", elem_id="mgi-index-error", elem_classes=["mgi-banner"]
            )
        records_state = gr.BrowserState([], storage_key="mgiassist-conversation")
        with gr.Tab("Ask"), gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="mgi-chat",
                    label="Conversation",
                    height=640,
                    latex_delimiters=[],
                    placeholder="Ask a question about the indexed profiles, or pick an example below.",
                    buttons=["copy"],
                    feedback_options=None,
                )
                with gr.Row():
                    question = gr.Textbox(
                        elem_id="mgi-question",
                        show_label=False,
                        placeholder="e.g. Can Cambodians vote from abroad?",
                        scale=5,
                        lines=1,
                        max_lines=4,
                        interactive=False,  # until the stored conversation is restored
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="mgi-send", interactive=False)
                gr.Examples(EXAMPLES, inputs=question, label="Example questions")
                with gr.Row():
                    export_md = gr.Button("Export Markdown", size="sm", elem_id="mgi-export-md")
                    export_csv = gr.Button("Export CSV", size="sm", elem_id="mgi-export-csv")
                    export_json = gr.Button("Export JSON", size="sm", elem_id="mgi-export-json")
                    clear_btn = gr.Button("Clear conversation", size="sm", variant="stop")
                export_file = gr.File(
                    label="Export", elem_id="mgi-export-file", interactive=False, visible=False
                )
            with gr.Column(scale=2):
                with gr.Accordion("Filters", open=True):
                    country = gr.Dropdown(
                        [ANY, *facets["country"]],
                        value=ANY,
                        label="Country",
                        elem_id="mgi-country",
                    )
                    family = gr.Dropdown(
                        [(ANY, ANY), *((FAMILY_LABELS.get(f, f), f) for f in facets["family"])],
                        value=ANY,
                        label="Profile family",
                        elem_id="mgi-family",
                    )
                    domain = gr.Dropdown(
                        [ANY, *facets["domain"]],
                        value=ANY,
                        label="Domain",
                        elem_id="mgi-domain",
                    )
                    polarity = gr.Dropdown(
                        [ANY, *facets["polarity"]],
                        value=ANY,
                        label="Polarity",
                        elem_id="mgi-polarity",
                    )
                viewer = gr.HTML(VIEWER_EMPTY, elem_id="mgi-viewer", label="Source viewer")
                whole_profile = gr.Button(
                    "Show the whole profile", size="sm", elem_id="mgi-whole-profile"
                )
                open_box = gr.Textbox(
                    elem_id="mgi-open-chunk", elem_classes=["mgi-hidden"], show_label=False
                )
                viewer_chunk = gr.State(None)
        with gr.Tab("Compare countries"):
            gr.Markdown(
                "One question, one row per country in the index: its best cited passage, or “no passage found”."
            )
            with gr.Row():
                compare_q = gr.Textbox(
                    show_label=False,
                    placeholder="e.g. Can citizens vote from abroad?",
                    scale=5,
                    elem_id="mgi-compare-q",
                )
                compare_btn = gr.Button(
                    "Compare", variant="primary", scale=1, elem_id="mgi-compare-btn"
                )
            compare_table = gr.Dataframe(
                headers=["Country", "Answer", "Citation", "Passage"],
                datatype=["str", "str", "str", "str"],
                interactive=False,
                wrap=True,
                elem_id="mgi-compare-table",
            )
            compare_file = gr.File(
                label="Comparison CSV", elem_id="mgi-compare-file", interactive=False, visible=False
            )
        with gr.Tab("Evaluate"):
            build_evaluate_tab(
                str(page.index_dir), embedder=page.assistant.embedder if page.assistant else None
            )

        chat_inputs = [question, records_state, country, family, domain, polarity]
        for trigger in (question.submit, send.click):
            trigger(
                respond, chat_inputs, [chatbot, records_state, question], api_visibility="private"
            )
        demo.load(restore, records_state, [chatbot, question, send], api_visibility="private")
        for trigger in (clear_btn.click, chatbot.clear):
            trigger(
                clear,
                None,
                [chatbot, records_state, viewer, viewer_chunk],
                api_visibility="private",
            )
        open_box.change(
            open_chunk, [open_box, records_state], [viewer, viewer_chunk], api_visibility="private"
        )
        whole_profile.click(
            open_profile, [viewer_chunk, records_state], viewer, api_visibility="private"
        )
        export_md.click(
            lambda r: export(r, "md"), records_state, export_file, api_visibility="private"
        )
        export_csv.click(
            lambda r: export(r, "csv"), records_state, export_file, api_visibility="private"
        )
        export_json.click(
            lambda r: export(r, "json"), records_state, export_file, api_visibility="private"
        )
        for trigger in (compare_q.submit, compare_btn.click):
            trigger(on_compare, compare_q, [compare_table, compare_file], api_visibility="private")

        # The documented API (README, "The API"): JSON in, JSON out, citations included.
        def ask(
            question: str,
            history: list[str] | None = None,
            country: str = "",
            family: str = "",
            domain: str = "",
            polarity: str = "",
        ) -> dict[str, Any]:
            """Answer one question; `history` lists earlier questions, oldest first."""
            return page.record(
                question or "", list(history or []), _filters(country, family, domain, polarity)
            )

        def compare_api(question: str) -> dict[str, Any]:
            """One row per indexed country: the best cited passage, or "no passage found"."""
            rows, _ = run_compare(page, question)
            if isinstance(rows, str):
                return {"question": question[:SHOWN_QUESTION_CHARS], "error": rows, "rows": []}
            return {"question": question, "rows": [r.to_dict() for r in rows]}

        def facets_api() -> dict[str, list[str]]:
            """The filter values the index holds."""
            return page.facets

        gr.api(ask, api_name="ask")
        gr.api(compare_api, api_name="compare")
        gr.api(facets_api, api_name="facets")
    return demo


VIEWER_EMPTY = (
    '<div class="mgi-viewer-empty">Click a citation to read its whole section here.</div>'
)


def run_compare(page: Page, question: str) -> tuple[list[Any] | str, str]:
    """The comparison rows and their CSV, or a one-line error message and ""."""
    if page.assistant is None:
        return page.error or "the index is not loaded", ""
    countries = page.facets["country"]
    if not countries:
        return "the index holds no country profile to compare", ""
    try:
        rows = compare_countries(
            question or "", countries, lambda q, c: page.answer(q, [], {"country": c}, k=3)
        )
    except MgiassistError as exc:
        return str(exc), ""
    return rows, comparison_csv(question, rows)


_DOWNLOADS = Path(tempfile.gettempdir()) / "mgiassist-ui"


def _write_download(name: str, text: str) -> str:
    # Gradio copies returned files into its own cache (cleaned by delete_cache); each download
    # gets its own folder so concurrent sessions never overwrite each other's file.
    folder = _DOWNLOADS / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _auth() -> tuple[str, str] | None:
    raw = os.environ.get("MGIASSIST_AUTH", "")
    if not raw:
        return None
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise SystemExit('MGIASSIST_AUTH must look like "user:password"')
    return user, password


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the mgiassist chat page.")
    parser.add_argument(
        "--index",
        default=os.environ.get("MGIASSIST_INDEX", "index"),
        help="index folder (env MGIASSIST_INDEX)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=int(os.environ.get("MGIASSIST_CONCURRENCY", "4")),
        help="requests run at once; the rest wait in Gradio's queue (env MGIASSIST_CONCURRENCY)",
    )
    parser.add_argument(
        "--backend",
        choices=["onnx", "torch"],
        default=os.environ.get("MGIASSIST_BACKEND") or None,
        help="embedding runtime: onnx (default) or torch; same vectors (env MGIASSIST_BACKEND)",
    )
    args = parser.parse_args(argv)
    if args.backend:
        os.environ["MGIASSIST_BACKEND"] = args.backend  # read by mgiassist.embed.load_embedder
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    page = Page(args.index)  # model and index: loaded here once, never per request
    if page.error:
        log.warning("%s", page.error)
    demo = build_demo(page)
    demo.queue(default_concurrency_limit=max(1, args.concurrency), max_size=256)
    demo.launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        auth=_auth(),
        css_paths=[HERE / "style.css"],
        head=HEAD,
        footer_links=["api"],
        show_error=False,
    )


if __name__ == "__main__":
    main()
