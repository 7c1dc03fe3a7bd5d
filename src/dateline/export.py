"""Writers for `dateline extract` output: JSON Lines, ACLED-style CSV, GeoJSON, a terminal table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from .records import Document, document_output

FORMATS = ("table", "jsonl", "csv", "geojson")

# ACLED's column names, in ACLED's order where they exist, then Dateline's own.
CSV_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country",
    "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities", "geonameid", "confidence", "document_id", "url",
]


def format_for(path: str | None, requested: str | None) -> str:
    """The output format: as asked, else from the file extension, else a table on screen."""
    if requested:
        return requested
    if path is None or path == "-":
        return "table"
    for ext, fmt in ((".jsonl", "jsonl"), (".csv", "csv"), (".geojson", "geojson")):
        if path.lower().endswith(ext):
            return fmt
    return "jsonl"  # any other name: JSON Lines, the engine's own output


def csv_rows(out: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for e in out["events"]:
        date = e.get("event_date") or ""
        yield {
            **{c: e.get(c) for c in CSV_COLUMNS if c in e},
            "event_id_cnty": e["id"],
            "year": date[:4],
            "assoc_actor_1": "; ".join(e.get("assoc_actor_1") or []),
            "assoc_actor_2": "; ".join(e.get("assoc_actor_2") or []),
            "source": out.get("agency") or out.get("outlet") or "",
            "notes": (e.get("sentence") or {}).get("text", ""),
            "document_id": out["id"],
            "url": out.get("url") or "",
        }


def geojson_feature(out: dict[str, Any], event: dict[str, Any]) -> dict[str, Any] | None:
    if event.get("latitude") is None or event.get("longitude") is None:
        return None
    props = {k: v for k, v in event.items() if k not in ("evidence",)}
    props["document_id"] = out["id"]
    props["sentence"] = (event.get("sentence") or {}).get("text")
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [event["longitude"], event["latitude"]]},
        "properties": props,
    }


class Writer:
    """Streams documents to one output in one format (GeoJSON is closed on `close`)."""

    def __init__(self, stream: IO[str], fmt: str, console: Console | None = None) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.stream, self.fmt = stream, fmt
        # Off a terminal (a pipe, CI) Rich assumes 80 columns; give the table room instead.
        tty = hasattr(stream, "isatty") and stream.isatty()
        self.console = console or Console(file=stream, width=None if tty else 160)
        self.rows: list[tuple[str, dict[str, Any]]] = []
        self._csv: csv.DictWriter | None = None
        self._features = 0
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            self._csv.writeheader()
        if fmt == "geojson":
            stream.write('{"type": "FeatureCollection", "features": [\n')

    def write(self, doc: Document) -> None:
        out = document_output(doc)
        if self.fmt == "jsonl":
            self.stream.write(json.dumps(out, ensure_ascii=False) + "\n")
        elif self.fmt == "csv" and self._csv is not None:
            for row in csv_rows(out):
                self._csv.writerow(row)
        elif self.fmt == "geojson":
            for event in out["events"]:
                feature = geojson_feature(out, event)
                if feature is not None:
                    sep = ",\n" if self._features else ""
                    self.stream.write(sep + json.dumps(feature, ensure_ascii=False))
                    self._features += 1
        else:
            self.rows.extend((out["id"], e) for e in out["events"])

    def close(self) -> None:
        if self.fmt == "geojson":
            self.stream.write("\n]}\n")
        if self.fmt == "table":
            self.console.print(events_table(self.rows))
        self.stream.flush()


def events_table(rows: list[tuple[str, dict[str, Any]]]) -> Table:
    table = Table(title=f"{len(rows)} event(s)", show_lines=False)
    for col in ("document", "date", "type / sub-type", "actor 1 (+ associated)", "actor 2",
                "place", "deaths", "conf."):
        table.add_column(col, overflow="fold")
    for doc_id, e in rows:
        actor1 = e.get("actor1") or ""
        if e.get("assoc_actor_1"):
            actor1 += " + " + ", ".join(e["assoc_actor_1"])
        place = ", ".join(x for x in (e.get("location"), e.get("admin1"), e.get("country")) if x)
        table.add_row(doc_id, e.get("event_date") or "?",
                      f"{e['event_type']} / {e['sub_event_type']}", actor1, e.get("actor2") or "",
                      place, str(e.get("fatalities", 0)), f"{e.get('confidence', 0):.2f}")
    return table
