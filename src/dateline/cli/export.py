"""`dateline export`: the store's merged events as CSV (ACLED's columns), JSON, GeoJSON or
Parquet, filtered."""

from __future__ import annotations

from typing import Annotated

import typer

from ._db import DB_HELP, open_store
from .app import _parse_date, app, err

EXPORT_HELP = """
Export the merged events in the store: one row per real event, whatever the number of
articles that reported it. The CSV has ACLED's column names in ACLED's order (then
`geonameid`, `n_sources`, `confidence`), so ACLED scripts and QGIS read it as they read
ACLED's own export. GeoJSON (points, for QGIS or geojson.io) leaves out events with no
coordinates and says how many. The format follows `--format`, else the `--out` extension,
else CSV.

Examples:

    dateline export --out events.csv

    dateline export --format geojson --out syria.geojson --country Syria --since 2017-01-01

    dateline export --out battles.parquet --event-type Battles --until 2017-12-31

    dateline export --format json --actor "Islamic State" --db postgresql://me@db/dateline
"""


@app.command("export", help=EXPORT_HELP)
def export_(
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="csv | json | jsonl | geojson | parquet (default: from --out)")
    ] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="Output file ('-': stdout)")] = "-",
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date, included")] = None,
    country: Annotated[str | None, typer.Option(help="Country name or ISO code")] = None,
    event_type: Annotated[str | None, typer.Option(help="e.g. Battles")] = None,
    sub_event_type: Annotated[str | None, typer.Option(help="e.g. 'Armed clash'")] = None,
    actor: Annotated[str | None, typer.Option(help="Part of an actor's name, any side")
                     ] = None,
    db: Annotated[str, typer.Option(help=DB_HELP)] = "dateline.duckdb",
) -> None:
    from ..export import Filters, export_format, export_merged

    try:
        fmt = export_format(out, fmt)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    filters = Filters(since=_parse_date(since), until=_parse_date(until), country=country,
                      event_type=_taxonomy(event_type, "--event-type"),
                      sub_event_type=_taxonomy(sub_event_type, "--sub-event-type"),
                      actor=actor)
    try:
        filters.country_code()
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--country") from None
    with open_store(db) as store:
        try:
            counts = export_merged(store, out, fmt, filters)
        except (OSError, ValueError) as exc:
            err.print(f"[red]error[/red] {getattr(exc, 'strerror', None) or exc}: {out}",
                      highlight=False)
            raise typer.Exit(2) from None
    left = f", {counts['skipped']} without coordinates left out" if counts["skipped"] else ""
    err.print(f"{counts['written']} event(s) written to {'stdout' if out == '-' else out}"
              f" as {fmt}{left}", highlight=False)


def _taxonomy(value: str | None, option: str) -> str | None:
    """An event or sub-event type as ACLED names it, whatever the case; else a clear error."""
    from ..records import EVENT_TYPES, SUB_TO_TYPE

    if value is None:
        return None
    names = list(EVENT_TYPES) if option == "--event-type" else list(SUB_TO_TYPE)
    match = next((n for n in names if n.lower() == value.strip().lower()), None)
    if match is None:
        raise typer.BadParameter(f"{value!r} is not one of: {', '.join(names)}",
                                 param_hint=option)
    return match
