"""The Gradio chat page: ask, read cited passages, open sources, compare countries, export.

Run it with ``python src/mgiassist/page/app.py [--index DIR]`` (or ``make run``). The page is thin: the index,
one chat turn and the viewer live in :mod:`page`, the HTML in :mod:`render`, the behaviour
Gradio has no component for in ``scripts.js`` and the look in ``style.css`` (built on Gradio's
theme variables, so light and dark themes both read well). Nothing is retrieved or scored here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import logging
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

import gradio as gr

from mgiassist.embed import BACKENDS
from mgiassist.export import conversation_csv, conversation_json, conversation_markdown
from mgiassist.page import changes_tab
from mgiassist.page.core import ANY, MAX_QUERY_CHARS, Page, clean_filters
from mgiassist.page.evaluate_tab import build_evaluate_tab
from mgiassist.page.http_api import AskRequest, ask_route
from mgiassist.page.render import (
    VIEWER_EMPTY,
    comparison_html,
    indexed_summary,
    render_answer_html,
    render_chat,
    welcome_markdown,
)
from mgiassist.schema import FAMILY_LABELS
from mgiassist.suggest import POLARITY_LABELS

__all__ = [
    "Page", "build_demo", "gradio_logged_in", "lean_ask_route", "main", "render_answer_html",
    "render_chat",
]

log = logging.getLogger("mgiassist.ui")
HEAD = f"<script>\n{(HERE / 'scripts.js').read_text(encoding='utf-8')}\n</script>"
FILTERS = ("country", "family", "domain", "polarity")
# Gradio's default theme with AA contrast: its orange primary button (white on orange-600) and
# its links (blue-500 on dark grey) fall short; links here are the theme's blue, a shade darker
# on light and lighter on dark.
THEME = gr.themes.Default(primary_hue="blue", secondary_hue="blue").set(
    color_accent="*primary_600",  # the selected tab's label, among others
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_600",
    button_primary_background_fill_hover_dark="*primary_700",
    button_primary_text_color="white",
    button_primary_text_color_dark="white",
    link_text_color="*secondary_700",
    link_text_color_hover="*secondary_800",
    link_text_color_visited="*secondary_700",
    link_text_color_active="*secondary_800",
    link_text_color_dark="*secondary_300",
    link_text_color_hover_dark="*secondary_200",
    link_text_color_visited_dark="*secondary_300",
    link_text_color_active_dark="*secondary_200",
)
AFTER_REPLY_JS = "() => { if (window.mgiAfterReply) { window.mgiAfterReply(); } }"


def _banner_html(page: Page) -> str:
    notice = page.notice()
    if not notice:
        return ""
    return f'<div class="mgi-banner" role="alert">⚠️ <strong>{html.escape(notice)}</strong></div>'


def _status_html(message: str) -> str:
    return f'<div class="mgi-status" role="alert">{html.escape(message)}</div>' if message else ""


def _choices(page: Page) -> dict[str, list[Any]]:
    facets = page.facets
    return {
        "country": [ANY, *facets["country"]],
        "family": [(ANY, ANY), *((FAMILY_LABELS.get(f, f), f) for f in facets["family"])],
        "domain": [ANY, *facets["domain"]],
        "polarity": [(ANY, ANY), *((POLARITY_LABELS.get(p, p), p) for p in facets["polarity"])],
    }


def _intro_markdown(page: Page) -> str:
    text = (
        "# mgiassist\nAsk about the indexed migration-governance profiles. Answers are sentences "
        "quoted from the profiles; each number opens the passage it comes from."
    )
    if page.guide.profiles:
        text += f"\n\n**Indexed:** {indexed_summary(page.guide.profiles)}."
    return text


def _chat_column(page: Page) -> dict[str, Any]:
    examples = page.guide.examples()
    c: dict[str, Any] = {}
    c["chatbot"] = gr.Chatbot(
        elem_id="mgi-chat",
        label="Conversation",
        show_label=False,
        height="70vh",
        min_height=260,
        autoscroll=False,
        latex_delimiters=[],
        placeholder=welcome_markdown(page.guide.profiles, examples),
        buttons=["copy"],
        feedback_options=None,
    )
    with gr.Row(elem_id="mgi-input-row", equal_height=True):
        c["question"] = gr.Textbox(
            elem_id="mgi-question",
            label="Your question",
            show_label=False,
            placeholder=f"e.g. {examples[0]}" if examples else "Ask about the indexed profiles",
            scale=5,
            lines=1,
            max_lines=4,
            interactive=False,  # until the stored conversation is restored
        )
        c["send"] = gr.Button(
            "Ask", variant="primary", scale=0, min_width=80, elem_id="mgi-send", interactive=False
        )
    c["counter"] = gr.HTML(
        f'<div class="mgi-count" data-limit="{MAX_QUERY_CHARS}" aria-live="polite"></div>',
        elem_id="mgi-counter",
    )
    c["status"] = gr.HTML("", elem_id="mgi-input-status")
    # kept even when empty, so a rebuilt index's examples can fill it (index_view)
    c["examples"] = gr.Examples(
        examples or [""], inputs=c["question"], label="Example questions from the index"
    )
    with gr.Row(elem_id="mgi-export-row"):
        c["export_md"] = gr.Button("Export Markdown", size="sm", elem_id="mgi-export-md")
        c["export_csv"] = gr.Button("Export CSV", size="sm", elem_id="mgi-export-csv")
        c["export_json"] = gr.Button("Export JSON", size="sm", elem_id="mgi-export-json")
        c["clear"] = gr.Button("Clear conversation", size="sm", elem_id="mgi-clear")
    c["export_file"] = gr.File(
        label="Export", elem_id="mgi-export-file", interactive=False, visible=False
    )
    return c


def _side_column(page: Page) -> dict[str, Any]:
    c: dict[str, Any] = {}
    choices = _choices(page)
    labels = {"country": "Country", "family": "Profile family", "domain": "Domain",
              "polarity": "Polarity"}
    with gr.Accordion("Filters", open=True, elem_id="mgi-filters"):
        for name in FILTERS:
            c[name] = gr.Dropdown(
                choices[name], value=ANY, label=labels[name], elem_id=f"mgi-{name}"
            )
    with gr.Column(elem_id="mgi-viewer-panel", elem_classes=["mgi-panel"]):
        c["back"] = gr.Button(
            "← Back to the answer", size="sm", elem_classes=["mgi-back"], elem_id="mgi-back"
        )
        c["viewer"] = gr.HTML(VIEWER_EMPTY, elem_id="mgi-viewer", label="Source viewer")
        c["whole_profile"] = gr.Button(
            "Show the whole profile", size="sm", elem_id="mgi-whole-profile"
        )
    c["open_box"] = gr.Textbox(
        elem_id="mgi-open-chunk", elem_classes=["mgi-hidden"], show_label=False,
        label="Passage to open",
    )
    c["viewer_chunk"] = gr.State(None)
    return c


def _compare_tab(page: Page) -> dict[str, Any]:
    c: dict[str, Any] = {}
    gr.Markdown(
        "One question, one row per indexed country: the best cited passage, or “no passage "
        "found”. Click a citation to read it in its section."
    )
    with gr.Row(equal_height=True):
        c["question"] = gr.Textbox(
            label="Question to compare",
            show_label=False,
            placeholder=f"e.g. {page.guide.compare_example()}",
            scale=5,
            elem_id="mgi-compare-q",
        )
        c["button"] = gr.Button(
            "Compare", variant="primary", scale=0, min_width=100, elem_id="mgi-compare-btn"
        )
    c["table"] = gr.HTML("", elem_id="mgi-compare-table")
    c["file"] = gr.File(
        label="Comparison CSV", elem_id="mgi-compare-file", interactive=False, visible=False
    )
    with gr.Column(elem_id="mgi-compare-viewer-panel", elem_classes=["mgi-panel"]):
        gr.Button("← Back to the table", size="sm", elem_classes=["mgi-back"])
        c["viewer"] = gr.HTML("", elem_id="mgi-compare-viewer")
    return c


def build_demo(page: Page) -> gr.Blocks:
    with gr.Blocks(
        title="mgiassist — migration governance profiles", delete_cache=(3600, 3600)
    ) as demo:
        intro = gr.Markdown(_intro_markdown(page), elem_id="mgi-intro")
        banner = gr.HTML(_banner_html(page), elem_id="mgi-index-error")
        records_state = gr.BrowserState([], storage_key="mgiassist-conversation")
        filters_state = gr.BrowserState({}, storage_key="mgiassist-filters")
        with gr.Tab("Ask"), gr.Row(elem_id="mgi-ask-row"):
            with gr.Column(scale=3, min_width=320):
                chat = _chat_column(page)
            with gr.Column(scale=2, min_width=300):
                side = _side_column(page)
        with gr.Tab("Compare countries"):
            compare = _compare_tab(page)
        with gr.Tab("What changed"):
            changes = changes_tab.build_changes_tab(page.index_dir)
        with gr.Tab("Evaluate"):
            build_evaluate_tab(
                str(page.index_dir), embedder=page.assistant.embedder if page.assistant else None
            )
        _wire_chat(page, demo, chat, side, records_state, filters_state)
        _wire_viewer_and_compare(page, chat, side, compare, records_state)
        timer = gr.Timer(30)  # a live reload (or a stale index) changes the banner's message
        timer.tick(
            lambda: _banner_html(page), None, banner, api_visibility="private",
            show_progress="hidden",
        )
        _follow_the_index(page, demo, intro, chat, side)
        demo.load(lambda: changes_tab.refresh(page.index_dir), None, [changes["series"], changes["view"]],
                  api_visibility="private", show_progress="hidden")
        _api(page)
    return demo


# How often an open page asks whether the index it shows is still the one answering: a version
# string compared on the server, a few bytes when nothing changed.
FOLLOW_EVERY_S = 5


def index_view(page: Page, shown: str | None, *values: str) -> list[Any]:
    """What the page shows of the index (the intro's list of profiles, the filters' choices, the
    example questions, the chat's welcome) for the index answering now, and its version; no
    change at all when ``shown`` is that version already. Without ``values`` (a new load, where
    the stored filters are restored with the current choices) the filters are left alone."""
    page.assistant  # noqa: B018 - a request: lets a rebuilt index be picked up
    version = page.guide.version
    if shown == version:
        return [gr.update()] * (4 + len(FILTERS)) + [version]
    examples = page.guide.examples()
    choices = _choices(page)
    filters = [gr.update()] * len(FILTERS)
    for i, (name, value) in enumerate(zip(FILTERS, values)):
        allowed = {c[1] if isinstance(c, tuple) else c for c in choices[name]}
        filters[i] = gr.update(choices=choices[name], value=value if value in allowed else ANY)
    return [
        _intro_markdown(page),
        *filters,
        gr.Dataset(samples=[[e] for e in examples] or [[""]]),
        gr.update(placeholder=welcome_markdown(page.guide.profiles, examples)),
        gr.update(placeholder=f"e.g. {examples[0]}" if examples else "Ask about the indexed profiles"),
        version,
    ]


def _follow_the_index(page: Page, demo: gr.Blocks, intro, chat, side) -> None:
    """The first screen follows a rebuilt index: on every new load, and within FOLLOW_EVERY_S
    seconds in pages already open (the page itself was built for the index of its start)."""
    shown = gr.State(None)
    dropdowns = [side[name] for name in FILTERS]
    outputs = [intro, *dropdowns, chat["examples"].dataset, chat["chatbot"], chat["question"], shown]
    demo.load(lambda: index_view(page, None), None, outputs, api_visibility="private",
              show_progress="hidden")
    gr.Timer(FOLLOW_EVERY_S).tick(
        lambda shown_version, *values: index_view(page, shown_version, *values),
        [shown, *dropdowns], outputs, api_visibility="private", show_progress="hidden",
    )


def _wire_chat(page, demo, chat, side, records_state, filters_state) -> None:
    dropdowns = [side[name] for name in FILTERS]

    def respond(message: str, records: list[dict[str, Any]] | None, *values: str):
        # An empty or rejected question is not a turn: nothing is recorded, the text stays in
        # the box, and the reason shows under it.
        message = message or ""
        if not message.strip():
            return gr.update(), gr.update(), gr.update(), _status_html("Type a question first.")
        records = list(records or [])
        history = [r["question"] for r in records if not r.get("error")]
        record = page.record(message, history, clean_filters(**dict(zip(FILTERS, values))))
        if record.get("error"):
            error = record["error"]
            return gr.update(), gr.update(), gr.update(), _status_html(error[:1].upper() + error[1:])
        records.append(record)
        return render_chat(records), records, "", ""

    def restore(records: list[dict[str, Any]] | None, saved: dict[str, str] | None):
        # Asking opens only once the stored conversation is back: an answer that arrived before
        # this restore would be overwritten by the older, restored chat.
        choices = _choices(page)
        values = []
        for name in FILTERS:
            value = (saved or {}).get(name) or ANY
            allowed = {c[1] if isinstance(c, tuple) else c for c in choices[name]}
            values.append(gr.update(choices=choices[name], value=value if value in allowed else ANY))
        return (render_chat(records), gr.update(interactive=True), gr.update(interactive=True),
                *values)

    def save_filters(*values: str) -> dict[str, str]:
        return dict(zip(FILTERS, values))

    chat_outputs = [chat["chatbot"], records_state, chat["question"], chat["status"]]
    for trigger in (chat["question"].submit, chat["send"].click):
        trigger(
            respond, [chat["question"], records_state, *dropdowns], chat_outputs,
            api_visibility="private",
        ).then(None, None, None, js=AFTER_REPLY_JS)
    demo.load(
        restore, [records_state, filters_state],
        [chat["chatbot"], chat["question"], chat["send"], *dropdowns], api_visibility="private",
    )
    for dropdown in dropdowns:
        dropdown.input(save_filters, dropdowns, filters_state, api_visibility="private")
    for trigger in (chat["clear"].click, chat["chatbot"].clear):
        trigger(
            lambda: ([], [], VIEWER_EMPTY, None, ""), None,
            [chat["chatbot"], records_state, side["viewer"], side["viewer_chunk"], chat["status"]],
            api_visibility="private",
        )

    def export(records: list[dict[str, Any]] | None, kind: str) -> gr.File:
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        records = records or []
        text = {
            "md": lambda: conversation_markdown(records, exported_at=stamp),
            "csv": lambda: conversation_csv(records),
            "json": lambda: conversation_json(
                records, exported_at=stamp, index_version=page.guide.version
            ),
        }[kind]()
        # The file box stays hidden until there is something to download.
        path = _write_download(f"mgiassist-conversation.{kind}", text)
        return gr.File(value=path, visible=True)

    for kind in ("md", "csv", "json"):
        chat[f"export_{kind}"].click(
            lambda r, kind=kind: export(r, kind), records_state, chat["export_file"],
            api_visibility="private",
        )


def _wire_viewer_and_compare(page, chat, side, compare, records_state) -> None:
    def open_chunk(token: str, records: list[dict[str, Any]] | None):
        where, _, rest = (token or "").partition("|")
        chunk_id = rest.split("|", 1)[0]
        if not chunk_id:
            return gr.update(), gr.update(), gr.update()
        view = page.view(chunk_id, records, whole_profile=False)
        if where == "compare":
            return gr.update(), view, gr.update()
        return view, gr.update(), chunk_id

    side["open_box"].change(
        open_chunk, [side["open_box"], records_state],
        [side["viewer"], compare["viewer"], side["viewer_chunk"]], api_visibility="private",
    )
    side["whole_profile"].click(
        lambda chunk_id, records: page.view(chunk_id or "", records, whole_profile=True),
        [side["viewer_chunk"], records_state], side["viewer"], api_visibility="private",
    )

    def on_compare(question: str):
        rows, text = page.compare(question)
        table = comparison_html(question, rows)
        if isinstance(rows, str):
            return table, gr.File(value=None, visible=False), ""
        path = _write_download("mgiassist-comparison.csv", text)
        return table, gr.File(value=path, visible=True), ""

    for trigger in (compare["question"].submit, compare["button"].click):
        trigger(
            on_compare, compare["question"], [compare["table"], compare["file"], compare["viewer"]],
            api_visibility="private",
        )


def _api(page: Page) -> None:
    """The documented API (README, "The API"): JSON in, JSON out, citations included."""

    def ask(
        question: str,
        history: list[str] | None = None,
        country: str = "",
        family: str = "",
        domain: str = "",
        polarity: str = "",
    ) -> dict[str, Any]:
        """Answer one question; `history` lists earlier questions, oldest first."""
        filters = clean_filters(country=country, family=family, domain=domain, polarity=polarity)
        return page.record(question or "", list(history or []), filters)

    def compare_api(question: str) -> dict[str, Any]:
        """One row per indexed country: the best cited passage, or "no passage found"."""
        rows, _ = page.compare(question)
        if isinstance(rows, str):
            return {"question": (question or "")[:300], "error": rows, "rows": []}
        return {"question": question, "rows": [r.to_dict() for r in rows]}

    def facets_api() -> dict[str, list[str]]:
        """The filter values the index holds."""
        return page.facets

    gr.api(ask, api_name="ask")
    gr.api(compare_api, api_name="compare")
    gr.api(facets_api, api_name="facets")


_DOWNLOADS = Path(tempfile.gettempdir()) / "mgiassist-ui"


def _write_download(name: str, text: str) -> str:
    # Gradio copies returned files into its own cache (cleaned by delete_cache); each download
    # gets its own folder so concurrent sessions never overwrite each other's file.
    folder = _DOWNLOADS / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def lean_ask_route(page: Page, limit: int):
    """``POST /api/ask`` (:mod:`mgiassist.page.http_api`): the turn :meth:`Page.answer` gives the chat,
    as the JSON ``mgiassist ask --json`` prints, behind the page's own login."""

    def answer(request: AskRequest) -> dict[str, Any]:
        return page.answer(request.question, request.history, request.filters).to_dict()

    return ask_route(answer, limit=limit, authorised=gradio_logged_in)


async def gradio_logged_in(request) -> bool:
    """Gradio's own check (its ``/gradio_api/login_check``): with ``auth`` set, a session
    cookie from ``POST /login`` is needed. ``request.app`` is the page's Gradio app."""
    from mgiassist.page.guard import logged_in

    return await logged_in(request.app, request.cookies, request)


def _auth() -> tuple[str, str] | None:
    raw = os.environ.get("MGIASSIST_AUTH", "")
    if not raw:
        return None
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise SystemExit('MGIASSIST_AUTH must look like "user:password"')
    return user, password


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
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
        "--api-concurrency",
        type=int,
        default=int(os.environ.get("MGIASSIST_API_CONCURRENCY", "0")) or None,
        help="turns POST /api/ask runs at once, the rest wait in order (default: --concurrency; "
        "measured best of 1, 2 and 4 on two cores) (env MGIASSIST_API_CONCURRENCY)",
    )
    parser.add_argument(
        "--backend",
        choices=list(BACKENDS),
        default=os.environ.get("MGIASSIST_BACKEND") or None,
        help="embedding runtime: onnx (default) or torch, same vectors; or onnx-int8, the "
        "quantised model an int8 index needs (env MGIASSIST_BACKEND)",
    )
    parser.add_argument(
        "--session-capacity", type=int,
        default=int(os.environ.get("MGIASSIST_SESSION_CAPACITY") or 500),
        help="chat sessions whose state (conversation, filters) the server keeps; the least "
        "recently used beyond it are dropped (env MGIASSIST_SESSION_CAPACITY)",
    )
    return parser.parse_args(argv)


def launch_options(args: argparse.Namespace, page: Page) -> dict[str, Any]:
    """The keyword arguments of ``demo.launch`` for these command-line options."""
    from starlette.middleware import Middleware

    from mgiassist.page.guard import LoginGuard, guard_options, max_body_bytes

    return {
        # FastAPI's own `routes` argument: the lean route is there before the first request.
        "app_kwargs": {
            "routes": [lean_ask_route(page, max(1, args.api_concurrency or args.concurrency))],
            # with a login set, every route but the login page and static files needs it, and
            # failed logins are rate-limited per client (mgiassist.page.guard)
            "middleware": [Middleware(LoginGuard, **guard_options())],
            # every request body, Gradio's too (its JSON routes read a body whole: 300 MB took
            # the server from 268 MB to 1.1 GB); POST /api/ask has its own, smaller limit
            "max_body_size": max_body_bytes(),
        },
        "server_name": os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        "server_port": int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        "auth": _auth(),
        "css_paths": [HERE / "style.css"],
        "head": HEAD,
        "theme": THEME,
        "footer_links": ["api"],
        "show_error": False,
        # Gradio keeps every session's state (10,000 by default, ~125 KB each here: an API call
        # without a session is a session of its own), so memory grew with every request.
        "state_session_capacity": max(1, args.session_capacity),
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.backend:
        os.environ["MGIASSIST_BACKEND"] = args.backend  # read by mgiassist.embed.load_embedder
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    page = Page(args.index)  # model and index: loaded here once, never per request
    if page.error:
        log.warning("%s", page.error)
    demo = build_demo(page)
    demo.queue(default_concurrency_limit=max(1, args.concurrency), max_size=256)
    demo.launch(**launch_options(args, page))


if __name__ == "__main__":
    main()
