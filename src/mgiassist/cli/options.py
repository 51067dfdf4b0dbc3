"""Options several commands share (``search``, ``ask``): written once, so their help agrees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

__all__ = ["conversation_options", "filter_options"]


def _stack(*options: Callable) -> Callable:
    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def conversation_options(batch_help: str) -> Callable:
    """``--history`` (a follow-up's earlier questions) and ``--questions`` (a batch file)."""
    return _stack(
        click.option("--history", multiple=True, help="An earlier user question (repeat, oldest first)."),
        click.option("--questions", "questions_file", type=click.Path(dir_okay=False, path_type=Path),
                     help=batch_help),
    )


def filter_options(*, section: bool = False) -> Callable:
    """``--country``, ``--family``, ``--domain`` (``--section``), ``--polarity`` and ``--edition``."""
    options = [
        click.option("--country", help="Only this country (name, ISO code or demonym)."),
        click.option("--family", help="Only this family: mgi-profile or diaspora-mapping."),
        click.option("--domain", help="Only this domain, e.g. \"Migrants' rights\" or \"Obstacles\"."),
    ]
    if section:
        options.append(click.option("--section", help="Only sections whose heading contains this text."))
    options.append(click.option(
        "--polarity", help="Only MGI findings of this polarity: well-developed or further-development."))
    options.append(click.option(
        "--edition", metavar="DATE",
        help="The edition of this date (\"2020\", \"September 2020\") or \"all\" editions"
             " [default: the newest edition of each profile; see `mgiassist editions`]."))
    return _stack(*options)
