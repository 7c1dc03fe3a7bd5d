"""`dateline explain EVENT_ID`: which records make up a merged event, and why."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ._db import DB_HELP, open_store
from .app import app, err

EXPLAIN_HELP = """
Show a merged event: its fields, every record (one per reporting document) that makes it up,
and why each record joined (type, date, place and actors, with the score).

EVENT_ID is a merged event id (`ev-...`, as in `dateline export`) or the id of any of its
records (as in `dateline extract` output).

Examples:

    dateline explain ev-3f2a9c01de-1

    dateline explain 3f2a9c01de-1 --db team.duckdb

    dateline explain ev-3f2a9c01de-1 --json > why.json
"""


@app.command(help=EXPLAIN_HELP)
def explain(
    event_id: Annotated[str, typer.Argument(metavar="EVENT_ID", help="Merged or record id")],
    db: Annotated[str, typer.Option(help=DB_HELP)] = "dateline.duckdb",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")
                       ] = False,
) -> None:
    from ..merge import explain as explain_event

    with open_store(db) as store:
        found = explain_event(store, event_id)
    if found is None:
        err.print(f"[red]error[/red] no event or record {event_id!r} in {db}", highlight=False)
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps(found, default=str, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(_event_table(found["event"]))
    console.print(_members_table(found["members"]))


def _event_table(e: dict[str, Any]) -> Table:
    table = Table(title=f"event {e['id']}", show_header=False)
    actors = " vs ".join(x for x in (e["actor1"], e["actor2"]) if x)
    place = ", ".join(x for x in (e["location"], e["admin1"], e["country"]) if x)
    for key, value in (("date", e["event_date"]), ("type", e["sub_event_type"]),
                       ("actors", actors), ("place", place),
                       ("fatalities", e["fatalities"]),
                       ("sources", f"{e['n_sources']} document(s): {e['sources'] or '-'}"),
                       ("notes", e["notes"])):
        table.add_row(key, str(value if value is not None else ""))
    return table


def _members_table(recs: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(recs)} record(s)", show_lines=True)
    for col in ("record / document", "reported", "date · type · place · actors · deaths",
                "score", "why it joined"):
        table.add_column(col, overflow="fold")
    for r in recs:
        coded = " · ".join(str(x) for x in (
            r["event_date"], r["sub_event_type"], r["location"],
            " vs ".join(a for a in (r["actor1"], r["actor2"]) if a), r["fatalities"]))
        why = "\n".join(f"{k}: {v}" for k, v in r["reasons"].items())
        source = r.get("agency") or r.get("outlet") or ""
        table.add_row(f"{r['id']}\n{r['document_id']}", f"{r['published'] or ''} {source}",
                      f"{coded}\n“{r['sentence'] or ''}”", f"{r['score']:.2f}", why)
    return table
