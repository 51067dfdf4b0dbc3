"""``mgiassist serve``: the chat page on 127.0.0.1 (``make run`` starts it).

Every option is the page's own (``mgiassist serve --help`` lists them): this command only hands
them to :func:`mgiassist.page.app.main`, so the page's options live in one place.
"""

from __future__ import annotations

import click

__all__ = ["serve_command"]


@click.command(
    "serve",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("page_args", nargs=-1, type=click.UNPROCESSED)
def serve_command(page_args: tuple[str, ...]) -> None:
    """Serve the chat page (needs the [ui] extra); --help lists the page's options."""
    from mgiassist.page.app import main as serve_page

    serve_page(list(page_args))
