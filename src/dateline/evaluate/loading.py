"""Reading gold files and engine output, with errors that name the file and line."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Expected JSON types of the gold keys we score, so that a typo fails at load time with
# file:line instead of deep inside the scorer.
_NUM = (int, float)
_EVENT_TYPES: dict[str, tuple[type, ...]] = {
    "event_date": (str,),
    "event_type": (str,),
    "sub_event_type": (str,),
    "actor1": (list, str),
    "actor2": (list, str),
    "assoc_actor_1": (list,),
    "assoc_actor_2": (list,),
    "latitude": _NUM,
    "longitude": _NUM,
    "geonameid": (int,),
    "fatalities": (int,),
    "required": (bool,),
    "date_tolerance_days": (int,),
}
_PLACE_TYPES: dict[str, tuple[type, ...]] = {
    "start": (int,),
    "end": (int,),
    "latitude": _NUM,
    "longitude": _NUM,
    "geonameid": (int,),
}


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _is_json_document(path: Path) -> bool:
    """`.json` / `.json.gz` hold one object or a list; everything else is JSON Lines."""
    name = path.name.lower()
    return name.endswith(".json") or name.endswith(".json.gz")


def iter_records(path: str | Path) -> Iterator[tuple[str, Any]]:
    """Yield `(where, record)` for every record in a JSON / JSON Lines file (maybe gzipped)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    with _open_text(path) as fh:
        if _is_json_document(path):
            yield from _iter_json(path, fh.read())
            return
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{lineno}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from None


def _iter_json(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if isinstance(data, list):
        for i, rec in enumerate(data):
            yield f"{path}[{i}]", rec
    else:
        yield str(path), data


def _check_types(obj: dict, types: dict[str, tuple[type, ...]], where: str) -> None:
    for key, allowed in types.items():
        value = obj.get(key)
        if value is None:
            continue
        # bool is an int in Python; only `required` may be one.
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            names = "/".join(t.__name__ for t in allowed)
            raise ValueError(f"{where}: {key!r} must be {names}, got {value!r}")


def _check_event(event: Any, where: str) -> None:
    if not isinstance(event, dict):
        raise ValueError(f"{where}: an event must be an object, got {type(event).__name__}")
    _check_types(event, _EVENT_TYPES, where)
    if isinstance(event.get("event_date"), str):
        try:
            dt.date.fromisoformat(event["event_date"][:10])
        except ValueError:
            msg = f"{where}: event_date {event['event_date']!r} is not YYYY-MM-DD"
            raise ValueError(msg) from None
    for key in ("assoc_actor_1", "assoc_actor_2"):
        if any(not isinstance(a, (list, str)) for a in event.get(key) or []):
            raise ValueError(f"{where}: {key!r} must be a list of lists of names")


def _check_place(place: Any, where: str) -> None:
    if not isinstance(place, dict):
        raise ValueError(f"{where}: a place must be an object")
    for key in ("start", "end"):
        if key not in place:
            raise ValueError(f"{where}: a place needs {key!r}")
    _check_types(place, _PLACE_TYPES, where)


def from_typing_item(rec: dict, where: str) -> dict:
    """A typing-corpus line (`{"text", "label"}`, as in data/train/) as a classification gold
    document: one event with only its sub-event type, or no event for the label `none`."""
    label = rec["label"]
    if not isinstance(label, str):
        raise ValueError(f"{where}: 'label' must be a string")
    events = [] if label == "none" else [{"sub_event_type": label}]
    return {"id": rec.get("id") or where, "text": rec.get("text"), "events": events,
            **({"published": rec["published"]} if rec.get("published") else {})}


def check_gold_record(rec: Any, where: str) -> dict:
    """Validate one gold document (GOLD_FORMAT.md) and return it."""
    if not isinstance(rec, dict):
        raise ValueError(f"{where}: a gold document must be an object")
    if "label" in rec and "events" not in rec:
        rec = from_typing_item(rec, where)
    if not isinstance(rec.get("id"), (str, int)) or isinstance(rec.get("id"), bool):
        raise ValueError(f"{where}: a gold document needs an 'id'")
    if not isinstance(rec.get("text"), str) and not isinstance(rec.get("html"), str):
        raise ValueError(f"{where}: a gold document needs 'text' or 'html'")
    for key in ("events", "places"):
        if key in rec and not isinstance(rec[key], list):
            raise ValueError(f"{where}: {key!r} must be a list")
    for i, event in enumerate(rec.get("events") or []):
        _check_event(event, f"{where}: events[{i}]")
    for i, place in enumerate(rec.get("places") or []):
        _check_place(place, f"{where}: places[{i}]")
    if "article_text" in rec and not isinstance(rec["article_text"], str):
        raise ValueError(f"{where}: 'article_text' must be a string")
    return {**rec, "id": str(rec["id"])}


def load_gold(paths: list[str]) -> list[dict]:
    """Read and validate gold documents from `.jsonl`, `.jsonl.gz` or `.json` files."""
    gold: list[dict] = []
    seen: dict[str, str] = {}
    for path in paths:
        for where, rec in iter_records(path):
            rec = check_gold_record(rec, where)
            if rec["id"] in seen:
                first = seen[rec["id"]]
                raise ValueError(f"{where}: duplicate id {rec['id']!r} (first at {first})")
            seen[rec["id"]] = where
            gold.append(rec)
    return gold


def load_predictions(path: str) -> dict[str, dict]:
    """Read engine output (JSON Lines, one document a line) keyed by document id."""
    preds: dict[str, dict] = {}
    for where, rec in iter_records(path):
        if not isinstance(rec, dict) or "id" not in rec:
            raise ValueError(f"{where}: an output line must be an object with an 'id'")
        for key in ("events", "places"):
            if not isinstance(rec.get(key) or [], list):
                raise ValueError(f"{where}: {key!r} must be a list")
        doc_id = str(rec["id"])
        if doc_id in preds:
            raise ValueError(f"{where}: duplicate id {doc_id!r}")
        preds[doc_id] = rec
    return preds
