"""The `dateline` command: thin over the library (ingest, pipeline, store, export, evaluate)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from . import __version__

app = typer.Typer(
    help="Dateline: raw news in, ACLED-style conflict events out. Offline.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)
err = Console(stderr=True)

EXTRACT_HELP = """
Code the conflict events in news articles.

INPUT is a `.txt` or `.html` file, a `.jsonl`/`.jsonl.gz` of documents (keys `id`, `text` or
`html`, `url`, `published`), a directory of these, or `-` for standard input. Every document's
events and places are also stored in an embedded DuckDB file (`--db`); running the same input
twice stores nothing twice.

Examples:

    dateline extract examples/wire_story.txt                   # a table on screen

    dateline extract news/ --format jsonl --out events.jsonl   # a directory, to JSON Lines

    dateline extract feed.jsonl.gz --out events.csv            # format from the extension

    cat story.txt | dateline extract - --published 2024-05-03  # stdin, with its date
"""


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2017-03-04") from None


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TextColumn("{task.fields[rate]}"), console=err,
                    transient=True, disable=not err.is_terminal)


@app.command(help=EXTRACT_HELP)
def extract(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT...",
                                                help="Files, directories or -")],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="table | jsonl | csv | geojson (default: from --out, else table)")
    ] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Output file (default: stdout)")
                   ] = None,
    published: Annotated[str | None, typer.Option(
        help="Publication date YYYY-MM-DD for documents that carry none")] = None,
    db: Annotated[str, typer.Option(help="Embedded store (DuckDB file); 'none' to skip")
                  ] = "dateline.duckdb",
) -> None:
    from .export import FORMATS, Writer, format_for
    from .ingest import read_inputs
    from .pipeline import Pipeline
    from .store import Store

    fmt = format_for(out, fmt)
    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}: choose one of {', '.join(FORMATS)}",
                                 param_hint="--format")
    pub = _parse_date(published)
    stream = open(out, "w", encoding="utf-8", newline="") if out and out != "-" else sys.stdout
    writer = Writer(stream, fmt)
    store = None if db.lower() == "none" else Store(db)
    pipeline = Pipeline()
    stats = {"documents": 0, "events": 0, "errors": 0, "stored": 0}
    started = time.perf_counter()
    try:
        with _progress() as progress:
            task = progress.add_task("coding", total=None, rate="")
            for doc in pipeline.pipe(read_inputs(inputs, published=pub)):
                stats["documents"] += 1
                if doc.errors:
                    stats["errors"] += 1
                    err.print(f"[red]error[/red] {doc.id}: {'; '.join(doc.errors)}",
                              highlight=False, soft_wrap=True)
                else:
                    stats["events"] += len(doc.events)
                    writer.write(doc)
                    if store is not None and store.save(doc):
                        stats["stored"] += 1
                elapsed = time.perf_counter() - started
                progress.update(task, advance=1,
                                rate=f"{stats['documents'] / max(elapsed, 1e-9):.1f} docs/s")
    finally:
        writer.close()
        if stream is not sys.stdout:
            stream.close()
        if store is not None:
            store.close()
    elapsed = time.perf_counter() - started
    err.print(
        f"{stats['documents']} document(s), {stats['events']} event(s), {stats['errors']} "
        f"error(s), {stats['stored']} newly stored in {db}, "
        f"{stats['documents'] / max(elapsed, 1e-9):.1f} documents/s",
        highlight=False,
    )


EVAL_HELP = """
Score Dateline (or any engine's output) against gold files in GOLD_FORMAT.md.

Without `--pred`, runs the engine on the gold documents (with their `published` dates only).

Examples:

    dateline eval ../shared/seed/palmyra.gold.json

    dateline eval data/gold/dev.jsonl --json report.json

    dateline eval gold.jsonl --pred other_engine_output.jsonl
"""


@app.command("eval", help=EVAL_HELP)
def eval_(
    gold: Annotated[list[str], typer.Argument(metavar="GOLD...",
                                              help="Gold .jsonl/.jsonl.gz/.json")],
    pred: Annotated[str | None, typer.Option(help="Score this engine output instead")] = None,
    json_out: Annotated[str | None, typer.Option("--json", help="Write the full report here")
                        ] = None,
) -> None:
    from .evaluate import evaluate

    for path in gold:
        if not Path(path).exists():
            err.print(f"[red]error[/red] gold file not found: {path}")
            raise typer.Exit(2)
    try:
        evaluate(gold, pred=pred, json_out=json_out, console=Console())
    except (ValueError, OSError) as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


@app.command()
def version() -> None:
    """Print Dateline's version."""
    typer.echo(__version__)


def main() -> None:  # pragma: no cover
    app()
