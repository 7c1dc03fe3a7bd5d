"""`dateline control PLACE`: who held a place from when, with the events as evidence."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ._db import DB_HELP, open_store
from .app import app, err

CONTROL_HELP = """
Show who controlled a place over time, from the territory-change events in the store
(government regains territory, non-state actor overtakes territory, non-violent transfer).

PLACE is a place name as coded (matched without regard to case) or a GeoNames id.

Examples:

    dateline control Palmyra

    dateline control Tadmur --country SY --db team.duckdb

    dateline control 170017 --json
"""


@app.command(help=CONTROL_HELP)
def control(
    place: Annotated[str, typer.Argument(metavar="PLACE", help="Place name or GeoNames id")],
    country: Annotated[str | None, typer.Option(help="Only this country (ISO code, e.g. SY)")
                       ] = None,
    db: Annotated[str, typer.Option(help=DB_HELP)] = "dateline.duckdb",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")
                       ] = False,
) -> None:
    from ..control import timeline

    with open_store(db) as store:
        periods = timeline(store, place, country)
    if as_json:
        typer.echo(json.dumps(periods, default=str, ensure_ascii=False, indent=2))
        return
    if not periods:
        err.print(f"no territory-change events for {place!r} in {db}", highlight=False)
        raise typer.Exit(1)
    table = Table(title=f"control of {place}")
    for col in ("from", "to", "holder", "how", "evidence (merged events)"):
        table.add_column(col, overflow="fold")
    for p in periods:
        how = "; ".join([p["sub_event_type"], *p["notes"]])
        table.add_row(str(p["from_date"]), str(p["to_date"] or "latest report"),
                      p["holder"] or "unknown", how, "\n".join(p["event_ids"]))
    Console().print(table)
