"""``mgiassist inspect FILE``: what the assistant understood from one file, before any question.

Reads and parses the file only (no model, no index) and prints the profile as a tree: family,
country, date, then each part with its sections and their footnotes, and the ingestion report's
warnings. ``--json`` prints the same as one JSON object, with the reader's blocks.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from mgiassist.errors import InputFileError

__all__ = ["inspect_command", "profile_tree"]


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def profile_tree(profile, report) -> list[str]:
    """The profile as indented lines: parts, then headings, then each section's first words."""
    lines = [report.line()]
    shown: list[str] = []
    for section in profile.sections:
        path = list(section.heading_path)
        parents, head = (path[:-1], path[-1]) if len(path) > 1 else (path, "")
        common = 0
        while common < min(len(shown), len(parents)) and shown[common] == parents[common]:
            common += 1
        for depth in range(common, len(parents)):
            lines.append(f"{'  ' * (depth + 1)}{parents[depth]}")
        shown = parents
        label = section.kind + (f" ({section.polarity})" if section.polarity else "")
        indent = "  " * (len(parents) + 1)
        lines.append(f"{indent}{label}: " + (f"{_short(head, 60)} — " if head else "") + _short(section.text, 70))
        if section.kind == "table":
            for row in section.attributes.get("rows", []):
                lines.append(f"{indent}  | {' | '.join(row)} |")
        for note in section.footnotes:
            lines.append(f"{indent}  [{note.number}] {' '.join(note.urls) or _short(note.text, 70)}")
    for warning in report.warnings:
        lines.append(f"warning: {warning}")
    return lines


@click.command("inspect")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the parsed structure (and the blocks) as JSON.")
def inspect_command(file: Path, as_json: bool) -> None:
    """Show how FILE (PDF, web page, DOCX, Markdown, text) is read: family, country, date,
    sections, footnotes and warnings. Loads no model."""
    from mgiassist.ingest import file_hash, ingestion_report, parse_document, read_document

    if not file.is_file():
        raise InputFileError(f"{file}: no such file")
    data = file.read_bytes() if file.stat().st_size else b""
    document = read_document(file, data, file.name)
    profile = parse_document(document, file.name, file_hash(data))
    report = ingestion_report(profile)
    if not as_json:
        click.echo("\n".join(profile_tree(profile, report)))
        return
    payload = {
        "report": report.to_dict(),
        "profile": {
            "source": profile.source, "family": profile.family, "country": profile.country,
            "country_code": profile.country_code, "title": profile.title, "date": profile.date,
            "sections": [
                {"heading_path": list(s.heading_path), "kind": s.kind, "polarity": s.polarity, "text": s.text,
                 "footnotes": [f.to_dict() for f in s.footnotes], "attributes": s.attributes}
                for s in profile.sections
            ],
        },
        "blocks": [b.to_dict() for b in document.blocks],
    }
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
