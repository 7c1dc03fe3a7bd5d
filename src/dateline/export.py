"""Writers: `dateline extract` output (JSON Lines, ACLED-style CSV, GeoJSON, a terminal table)
and `dateline export` of the store's merged events (CSV, JSON, JSON Lines, GeoJSON, Parquet)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from . import countries
from .acled import acled_row
from .records import Document, document_output

if TYPE_CHECKING:
    from .store import Store

FORMATS = ("table", "jsonl", "csv", "geojson")

# ACLED's export columns, in ACLED's order (its data export tool and API since the 2023
# methodology update: disorder_type and civilian_targeting added, data_id/iso3 gone), then
# Dateline's own. ACLED scripts and QGIS read columns by name, so the extra ones at the end
# change nothing for them.
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
CSV_COLUMNS = [*ACLED_COLUMNS, "geonameid", "confidence", "document_id", "url"]


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
    """ACLED-style rows for one document's records (`dateline extract --format csv`)."""
    for e in out["events"]:
        row = {
            **e,
            "assoc_actor_1": "; ".join(e.get("assoc_actor_1") or []),
            "assoc_actor_2": "; ".join(e.get("assoc_actor_2") or []),
            "sources": out.get("agency") or out.get("outlet") or "",
            "notes": (e.get("sentence") or {}).get("text", ""),
        }
        yield {**acled_row(row), "document_id": out["id"], "url": out.get("url") or ""}


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


# ------------------------------------------------------------- `dateline export`: merged events

EXPORT_FORMATS = ("csv", "json", "jsonl", "geojson", "parquet")
EXPORT_COLUMNS = [*ACLED_COLUMNS, "geonameid", "n_sources", "confidence"]


@dataclass
class Filters:
    """Which merged events to export; every field left None means "any"."""

    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None  # ISO 3166 alpha-2 or a name ("Syria")
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None  # part of an actor's name, any side, any case

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition (with `?` placeholders) and its parameters."""
        conds: list[str] = []
        params: list[Any] = []
        for cond, value in (("event_date >= ?", self.since), ("event_date <= ?", self.until),
                            ("country = ?", self.country_code()),
                            ("lower(event_type) = lower(?)", self.event_type),
                            ("lower(sub_event_type) = lower(?)", self.sub_event_type)):
            if value is not None:
                conds.append(cond)
                params.append(value)
        if self.actor:
            sides = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
            conds.append("(" + " OR ".join(f"lower({s}) LIKE ?" for s in sides) + ")")
            params += [f"%{self.actor.lower()}%"] * len(sides)
        return (" WHERE " + " AND ".join(conds) if conds else ""), params

    def country_code(self) -> str | None:
        if self.country is None:
            return None
        code = countries.lookup(self.country) or self.country.upper()
        if len(code) != 2:
            raise ValueError(f"unknown country {self.country!r}; give a name or ISO code (SY)")
        return code


def export_format(path: str | None, requested: str | None) -> str:
    """`--format` as given, else the file's extension, else CSV."""
    fmt = requested or next((f for f in EXPORT_FORMATS
                             if path and path.lower().endswith("." + f)), "csv")
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    return fmt


def merged_rows(store: Store, filters: Filters) -> Iterator[dict[str, Any]]:
    """Merged events as ACLED rows (plus Dateline's columns), by date then id."""
    where, params = filters.where()
    for e in store.iter_query(f"SELECT * FROM merged_events{where} ORDER BY event_date, id",
                              params):
        yield {**acled_row(e), "n_sources": e.get("n_sources")}


def export_merged(store: Store, path: str, fmt: str, filters: Filters) -> dict[str, int]:
    """Write the filtered merged events to `path` ('-': stdout); returns counts written and
    left out (GeoJSON needs coordinates)."""
    rows = merged_rows(store, filters)
    if fmt == "parquet":
        if path == "-":
            raise ValueError("Parquet is binary: give a file with --out")
        return {"written": _write_parquet(rows, path), "skipped": 0}
    stream = sys.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="")
    try:
        return _WRITERS[fmt](rows, stream)
    finally:
        if stream is not sys.stdout:
            stream.close()


def _write_csv(rows: Iterable[dict[str, Any]], stream: IO[str]) -> dict[str, int]:
    writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return {"written": n, "skipped": 0}


def _write_jsonl(rows: Iterable[dict[str, Any]], stream: IO[str]) -> dict[str, int]:
    n = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return {"written": n, "skipped": 0}


def _write_json(rows: Iterable[dict[str, Any]], stream: IO[str]) -> dict[str, int]:
    """One JSON array, streamed row by row."""
    stream.write("[")
    n = 0
    for n, row in enumerate(rows, start=1):
        stream.write(("," if n > 1 else "") + "\n" + json.dumps(row, ensure_ascii=False))
    stream.write("\n]\n")
    return {"written": n, "skipped": 0}


def _write_geojson(rows: Iterable[dict[str, Any]], stream: IO[str]) -> dict[str, int]:
    """RFC 7946 FeatureCollection of points (longitude first), as QGIS and geojson.io read."""
    stream.write('{"type": "FeatureCollection", "features": [')
    n = skipped = 0
    for row in rows:
        if row["latitude"] is None or row["longitude"] is None:
            skipped += 1
            continue
        n += 1
        feature = {"type": "Feature", "id": row["event_id_cnty"],
                   "geometry": {"type": "Point",
                                "coordinates": [row["longitude"], row["latitude"]]},
                   "properties": row}
        stream.write(("," if n > 1 else "") + "\n" + json.dumps(feature, ensure_ascii=False))
    stream.write("\n]}\n")
    return {"written": n, "skipped": skipped}


_WRITERS = {"csv": _write_csv, "json": _write_json, "jsonl": _write_jsonl,
            "geojson": _write_geojson}

_INT = ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision",
        "fatalities", "timestamp", "geonameid", "n_sources")
_FLOAT = ("latitude", "longitude", "confidence")


def _write_parquet(rows: Iterable[dict[str, Any]], path: str, batch: int = 50_000) -> int:
    """Typed columns (dates as strings, as in ACLED's CSV), written in row groups."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.int64() if c in _INT else pa.float64() if c in _FLOAT
                         else pa.string()) for c in EXPORT_COLUMNS])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append({c: row.get(c) for c in EXPORT_COLUMNS})
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                n, chunk = n + len(chunk), []
        if chunk or not n:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n
