"""The `dateline` Typer app and what its commands share (error console, progress, dates)."""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

app = typer.Typer(
    help="Dateline: raw news in, ACLED-style conflict events out. Offline.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)
err = Console(stderr=True)


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
