"""The report as compact Rich tables."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _table(title: str, *columns: str, labelled: bool = True) -> Table:
    """Numbers right-aligned; the first column holds row labels unless `labelled` is False."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False,
                  min_width=len(title))  # so that the title is not wrapped
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 and labelled else "right")
    return table


def _summary(report: dict) -> Table:
    table = _table("Summary", "measure", "value")
    table.add_row("documents", _fmt(report.get("documents")))
    table.add_row("seconds", _fmt(report.get("seconds")))
    if report.get("missing_predictions"):
        table.add_row("documents without output", _fmt(report["missing_predictions"]))
    events = report.get("events")
    if events:
        for key in ("precision", "recall", "f1", "tp", "fp", "fn"):
            table.add_row(f"events {key}", _fmt(events[key]))
        empty = events.get("no_event_documents")
        if empty:
            table.add_row(f"no-event docs left empty (n={empty['n']})", _fmt(empty["accuracy"]))
    if "min_confidence" in report:
        table.add_row(f"engine events below {report['min_confidence']}",
                      _fmt(report.get("below_threshold_events")))
    if report.get("ignored_engine_events"):
        table.add_row("engine events ignored (background/plan)",
                      _fmt(report["ignored_engine_events"]))
    return table


def _fields(report: dict) -> Table | None:
    fields = report.get("fields")
    if not fields:
        return None
    table = _table("Fields of matched events", "field", "accuracy", "n")
    for name, row in fields.items():
        if isinstance(row, dict):
            table.add_row(name, _fmt(row["accuracy"]), _fmt(row["n"]))
    if "fatalities_mae" in fields:
        table.add_row("fatalities MAE", _fmt(fields["fatalities_mae"]), "")
    return table


def _per_type(block: dict | None, title: str) -> Table | None:
    if not block:
        return None
    table = _table(title, "type", "precision", "recall", "f1", "support")
    for name, row in block["per_type"].items():
        table.add_row(name, *(_fmt(row[k]) for k in ("precision", "recall", "f1", "support")))
    table.add_section()
    for key in ("macro_f1", "micro_f1", "weighted_f1"):
        table.add_row(key.replace("_", " "), "", "", _fmt(block[key]), "")
    return table


def _confusion(block: dict | None, title: str) -> Table | None:
    """Gold rows against engine columns; only labels that occur."""
    if not block or not block.get("confusion"):
        return None
    matrix = block["confusion"]
    columns = sorted({p for row in matrix.values() for p in row})
    table = _table(title, "gold \\ engine", *columns)
    for gold, row in matrix.items():
        table.add_row(gold, *(_fmt(row[c]) if c in row else "" for c in columns))
    return table


def _classification(report: dict) -> Table | None:
    block = report.get("classification")
    if not block:
        return None
    table = _table("Classification (top event)", "measure", "value")
    for key in ("accuracy", "macro_f1", "weighted_f1", "n", "none_rejected", "events_detected",
                "ece", "calibration_n"):
        if key in block:
            table.add_row(key.replace("_", " "), _fmt(block[key]))
    return table


def _labels(block: dict | None) -> Table | None:
    if not block or not block.get("per_label"):
        return None
    table = _table("Classification per label", "label", "precision", "recall", "f1", "support")
    for name, row in block["per_label"].items():
        table.add_row(name, *(_fmt(row[k]) for k in ("precision", "recall", "f1", "support")))
    return table


def _reliability(block: dict | None) -> Table | None:
    """Of the labels given a confidence in each bin, the share that were right."""
    if not block or not block.get("reliability"):
        return None
    table = _table("Calibration (engine confidence vs share right)", "confidence bin", "n",
                   "mean confidence", "accuracy")
    for row in block["reliability"]:
        table.add_row(f"{row['from']:.1f}-{row['to']:.1f}", _fmt(row["n"]),
                      _fmt(row["confidence"]), _fmt(row["accuracy"]))
    return table


def _top_confusions(block: dict | None, limit: int = 15) -> Table | None:
    """The most frequent gold -> engine mistakes (a full 26 x 26 table does not fit a screen)."""
    if not block or not block.get("confusion"):
        return None
    mistakes = sorted(((n, g, p) for g, row in block["confusion"].items()
                       for p, n in row.items() if g != p), reverse=True)[:limit]
    if not mistakes:
        return None
    table = _table("Most frequent confusions", "gold", "engine", "n")
    for n, g, p in mistakes:
        table.add_row(g, p, _fmt(n))
    return table


def _location(report: dict) -> Table | None:
    block = report.get("location")
    if not block:
        return None
    table = _table("Event location", "within 25 km", "within 161 km", "median km", "n",
                   labelled=False)
    table.add_row(*(_fmt(block[k]) for k in ("within_25km", "within_161km", "median_km", "n")))
    return table


def _places(report: dict) -> Table | None:
    block = report.get("places")
    if not block:
        return None
    table = _table("Places (toponyms)", "measure", "value")
    rows = [("precision", "precision"), ("recall", "recall"), ("f1", "f1"),
            ("within 161 km", "within_161km"), ("AUC of log error (lower is better)", "auc"),
            ("median km", "median_km"), ("geonameid accuracy", "geonameid_accuracy"),
            ("gold toponyms", "n")]
    for label, key in rows:
        table.add_row(label, _fmt(block.get(key)))
    return table


def _article(report: dict) -> Table | None:
    block = report.get("article_text")
    if not block:
        return None
    columns = ("precision", "recall", "f1", "f1_of_means", "n")
    table = _table("Article text (bag of words, mean over documents)", *columns,
                   labelled=False)
    table.add_row(*(_fmt(block.get(k)) for k in columns))
    return table


def render(report: dict, console: Console) -> None:
    """Print the report as a handful of compact tables; blocks absent from it are skipped."""
    tables = [
        _summary(report),
        _fields(report),
        _location(report),
        _per_type(report.get("event_type"), "Event types"),
        _per_type(report.get("sub_event_type"), "Sub-event types"),
        _confusion(report.get("sub_event_type"), "Sub-event type confusion"),
        _classification(report),
        _labels(report.get("classification")),
        _reliability(report.get("classification")),
        _top_confusions(report.get("classification")),
        _places(report),
        _article(report),
    ]
    for table in tables:
        if table is not None:
            console.print(table)
            console.print()
