"""The scorer against hand-built gold and engine output (no engine run, no shared dev data)."""

from __future__ import annotations

import gzip
import io
import json
import math
from pathlib import Path

import pytest
from rich.console import Console

from dateline.evaluate import evaluate, load_gold, load_predictions, render, score
from dateline.evaluate.fields import haversine_km, norm_actor, norm_admin

SEED = Path(__file__).resolve().parents[2] / "shared/seed/palmyra.gold.json"

PALMYRA = (34.5624, 38.28402)
HOMS = (34.72682, 36.72339)  # ~143 km west of Palmyra
DAMASCUS = (33.5102, 36.29128)  # ~215 km from Palmyra


def gold_event(**extra) -> dict:
    event = {
        "event_date": "2017-03-02",
        "event_type": "Battles",
        "sub_event_type": "Government regains territory",
        "actor1": ["Military Forces of Syria"],
        "actor1_country": "SY",
        "assoc_actor_1": [["Military Forces of Russia"]],
        "actor2": ["Islamic State", "IS: Islamic State"],
        "country": "SY",
        "admin1": "Homs",
        "location": "Palmyra",
        "geonameid": 163808,
        "latitude": PALMYRA[0],
        "longitude": PALMYRA[1],
        "fatalities": 0,
    }
    return {**event, **extra}


def as_engine(event: dict) -> dict:
    """Gold event -> engine output: single names where gold lists accepted alternatives."""
    out = {}
    for key, value in event.items():
        if key in ("actor1", "actor2"):
            out[key] = value[0] if value else None
        elif key.startswith("assoc_actor"):
            out[key] = [names[0] for names in value]
        elif key not in ("required", "date_tolerance_days"):
            out[key] = value
    return out


def doc(doc_id: str, events: list[dict] | None = None, **extra) -> dict:
    base = {"id": doc_id, "text": "Syrian troops retook Palmyra."}
    if events is not None:
        base["events"] = events
    return {**base, **extra}


def perfect(gold: list[dict]) -> dict[str, dict]:
    return {d["id"]: {"id": d["id"], "events": [as_engine(e) for e in d.get("events", [])],
                      "places": d.get("places", []), "article_text": d.get("article_text")}
            for d in gold}


# --- events and fields ------------------------------------------------------------------------


def test_perfect_prediction_scores_one_everywhere():
    gold = [doc("a", [gold_event()]),
            doc("b", [gold_event(event_type="Protests", sub_event_type="Peaceful protest",
                                 fatalities=2)])]
    report = score(gold, perfect(gold))
    assert report["documents"] == 2
    assert report["events"] | {"documents": 2} == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0,
        "documents": 2, "optional_matched": 0}
    assert all(f["accuracy"] == 1.0 for k, f in report["fields"].items() if k != "fatalities_mae")
    assert report["fields"]["fatalities_mae"] == 0.0
    assert report["fields"]["actor1"]["n"] == 2
    assert report["location"] == {"within_25km": 1.0, "within_161km": 1.0, "median_km": 0.0,
                                  "n": 2}
    assert report["sub_event_type"]["macro_f1"] == 1.0
    assert report["sub_event_type"]["micro_f1"] == 1.0
    assert report["event_type"]["per_type"]["Protests"]["f1"] == 1.0
    assert "places" not in report and "article_text" not in report
    assert "classification" not in report


def test_wrong_sub_type_shows_in_confusion_and_per_type():
    gold = [doc("a", [gold_event()])]
    pred = {"a": {"events": [as_engine(gold_event(sub_event_type="Armed clash"))]}}
    report = score(gold, pred)
    assert report["events"]["tp"] == 1  # same event type: still the same event
    assert report["fields"]["sub_event_type"]["accuracy"] == 0.0
    sub = report["sub_event_type"]
    assert sub["confusion"] == {"Government regains territory": {"Armed clash": 1}}
    assert sub["per_type"]["Government regains territory"] | {} == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1, "tp": 0, "fp": 0, "fn": 1}
    assert sub["per_type"]["Armed clash"]["fp"] == 1
    assert sub["macro_f1"] == 0.0


def test_incompatible_event_type_is_no_match():
    gold = [doc("a", [gold_event()])]
    pred = {"a": {"events": [{"event_type": "Protests", "sub_event_type": "Peaceful protest"}]}}
    report = score(gold, pred)
    assert (report["events"]["tp"], report["events"]["fp"], report["events"]["fn"]) == (0, 1, 1)
    assert report["sub_event_type"]["confusion"] == {
        "Government regains territory": {"none": 1}, "none": {"Peaceful protest": 1}}
    assert report["fields"] == {}


def test_matching_prefers_right_date_and_place():
    gold = [doc("a", [gold_event(event_date="2017-03-02"),
                      gold_event(event_date="2017-03-05", latitude=DAMASCUS[0],
                                 longitude=DAMASCUS[1])])]
    far = as_engine(gold_event(event_date="2017-03-05", latitude=DAMASCUS[0],
                               longitude=DAMASCUS[1]))
    near = as_engine(gold_event())
    report = score(gold, {"a": {"events": [far, near]}})  # engine order differs from gold's
    assert report["events"]["f1"] == 1.0
    assert report["fields"]["event_date"]["accuracy"] == 1.0
    assert report["location"]["within_25km"] == 1.0


def test_date_tolerance_days():
    gold = [doc("a", [gold_event()]), doc("b", [gold_event(date_tolerance_days=2)])]
    late = as_engine(gold_event(event_date="2017-03-04"))
    pred = {"a": {"events": [late]}, "b": {"events": [late]}}
    assert score(gold, pred)["fields"]["event_date"] == {"accuracy": 0.5, "n": 2}
    # the call-wide default widens events that carry no tolerance of their own
    assert score(gold, pred, date_tolerance_days=2)["fields"]["event_date"]["accuracy"] == 1.0
    assert score(gold, pred, date_tolerance_days=1)["fields"]["event_date"]["accuracy"] == 0.5


def test_actor_names_with_date_suffix_and_alternatives():
    gold = [doc("a", [gold_event()])]
    engine = as_engine(gold_event())
    engine["actor1"] = "Military Forces of Syria (2000-)"
    engine["actor2"] = "IS:  islamic state"  # second accepted name, other case and spacing
    report = score(gold, {"a": {"events": [engine]}})
    assert report["fields"]["actor1"]["accuracy"] == 1.0
    assert report["fields"]["actor2"]["accuracy"] == 1.0
    engine["actor2"] = "Islamic State (Iraq)"  # a different actor, not a date range
    assert score(gold, {"a": {"events": [engine]}})["fields"]["actor2"]["accuracy"] == 0.0
    assert norm_actor("Police Forces of Nigeria (2015-2023)") == "police forces of nigeria"


def test_empty_gold_actor_expects_none():
    gold = [doc("a", [gold_event(actor2=[])])]
    engine = as_engine(gold_event())
    assert score(gold, {"a": {"events": [engine]}})["fields"]["actor2"]["accuracy"] == 0.0
    engine["actor2"] = None
    assert score(gold, {"a": {"events": [engine]}})["fields"]["actor2"]["accuracy"] == 1.0


def test_admin1_suffix_tolerance():
    gold = [doc("a", [gold_event(admin1="Homs")]), doc("b", [gold_event(admin1="Homs")]),
            doc("c", [gold_event(admin1=["Aleppo", "Halab"])])]
    pred = {"a": {"events": [as_engine(gold_event(admin1="Homs Governorate"))]},
            "b": {"events": [as_engine(gold_event(admin1="Hama Governorate"))]},
            "c": {"events": [as_engine(gold_event(admin1="Ḩalab"))]}}
    assert score(gold, pred)["fields"]["admin1"] == {"accuracy": round(2 / 3, 4), "n": 3}
    assert norm_admin("Donetsk Oblast") == norm_admin("donetsk") == "donetsk"


def test_assoc_actor_recall():
    gold = [doc("a", [gold_event(assoc_actor_1=[["Military Forces of Russia"],
                                                ["Hezbollah", "Hizbullah"]])])]
    engine = as_engine(gold_event())
    engine["assoc_actor_1"] = ["Hizbullah", "Military Forces of Iran (1989-)"]
    report = score(gold, {"a": {"events": [engine]}})
    assert report["fields"]["assoc_actor_1"] == {"accuracy": 0.5, "n": 2}


def test_location_and_fatalities_errors():
    gold = [doc("a", [gold_event(fatalities=5)]), doc("b", [gold_event()])]
    pred = {"a": {"events": [as_engine(gold_event(latitude=HOMS[0], longitude=HOMS[1],
                                                  fatalities=3))]},
            "b": {"events": [as_engine(gold_event(latitude=None, longitude=None))]}}
    report = score(gold, pred)
    assert report["location"]["within_25km"] == 0.0
    assert report["location"]["within_161km"] == 0.5  # Homs is within 161 km; no coords is not
    assert report["fields"]["fatalities"] == {"accuracy": 0.5, "n": 2}
    assert report["fields"]["fatalities_mae"] == 1.0
    assert 130 < haversine_km(PALMYRA, HOMS) < 161 < haversine_km(PALMYRA, DAMASCUS)


def test_required_false_is_neither_rewarded_nor_penalised():
    optional = gold_event(event_type="Strategic developments", sub_event_type="Other",
                          required=False)
    gold = [doc("a", [gold_event(), optional])]
    both = {"a": {"events": [as_engine(gold_event()), as_engine(optional)]}}
    only_required = {"a": {"events": [as_engine(gold_event())]}}
    for pred in (both, only_required):
        events = score(gold, pred)["events"]
        assert (events["tp"], events["fp"], events["fn"]) == (1, 0, 0)
    assert score(gold, both)["events"]["optional_matched"] == 1
    assert "Other" not in score(gold, both)["sub_event_type"]["per_type"]


def test_required_event_wins_the_match_over_optional():
    optional = gold_event(required=False, event_date="2017-03-01")
    gold = [doc("a", [optional, gold_event(event_date="2017-02-20")])]
    pred = {"a": {"events": [as_engine(gold_event(event_date="2017-03-01"))]}}
    events = score(gold, pred)["events"]
    assert (events["tp"], events["fn"]) == (1, 0)


def test_empty_event_docs_count_as_false_positives_beside_full_docs():
    gold = [doc("a", [gold_event()]), doc("b", []), doc("c", [])]
    pred = perfect(gold)
    pred["b"]["events"] = [as_engine(gold_event())]
    report = score(gold, pred)
    assert (report["events"]["tp"], report["events"]["fp"]) == (1, 1)
    assert report["events"]["precision"] == 0.5
    assert report["events"]["no_event_documents"] == {"n": 2, "accuracy": 0.5}
    assert "classification" not in report


def test_missing_prediction_means_no_events():
    gold = [doc("a", [gold_event()]), doc("b", [gold_event()])]
    report = score(gold, {"a": perfect(gold)["a"]})
    assert report["missing_predictions"] == 1
    assert report["events"]["recall"] == 0.5


def test_background_events_from_engine_are_ignored():
    gold = [doc("a", [gold_event()])]
    past = {**as_engine(gold_event(sub_event_type="Armed clash")), "status": "background"}
    report = score(gold, {"a": {"events": [as_engine(gold_event()), past]}})
    assert report["events"]["fp"] == 0
    assert report["ignored_engine_events"] == 1


# --- classification mode ----------------------------------------------------------------------


def test_classification_mode():
    gold = [doc("a", [{"sub_event_type": "Armed clash"}]),
            doc("b", [{"sub_event_type": "Peaceful protest"}]),
            doc("c", [{"sub_event_type": "Air/drone strike"}]),
            doc("d", [])]
    pred = {
        # the most confident event is the one that counts
        "a": {"events": [{"event_type": "Protests", "sub_event_type": "Peaceful protest",
                          "confidence": 0.2},
                         {"event_type": "Battles", "sub_event_type": "Armed clash",
                          "confidence": 0.9}]},
        "b": {"events": [{"event_type": "Riots", "sub_event_type": "Violent demonstration",
                          "confidence": 0.7}]},
        "c": {"events": []},
        "d": {"events": []},
    }
    report = score(gold, pred)
    cls = report["classification"]
    assert cls["n"] == 4 and cls["accuracy"] == 0.5
    assert cls["confusion"]["Peaceful protest"] == {"Violent demonstration": 1}
    assert cls["confusion"]["Air/drone strike"] == {"none": 1}
    assert cls["per_label"]["none"]["precision"] == 0.5  # c was wrongly left empty
    # labels: Air/drone strike 0, Armed clash 1, Peaceful protest 0, Violent demo 0, none 2/3
    assert cls["macro_f1"] == round((1 + 2 / 3) / 5, 4)
    assert cls["weighted_f1"] == round((1 + 2 / 3) / 4, 4)
    assert "events" not in report  # label-only gold scores no event detection
    assert report["sub_event_type"]["per_type"]["Armed clash"]["f1"] == 1.0


# --- places and article text ------------------------------------------------------------------


def test_places_overlap_distance_auc_and_geonameid():
    text = "Troops entered Palmyra and Homs on Monday, officials in Damascus said."
    gold_places = [
        {"start": 15, "end": 22, "name": "Palmyra", "geonameid": 163808,
         "latitude": PALMYRA[0], "longitude": PALMYRA[1]},
        {"start": 27, "end": 31, "name": "Homs", "geonameid": 169577,
         "latitude": HOMS[0], "longitude": HOMS[1]},
        {"start": 58, "end": 66, "name": "Damascus", "latitude": DAMASCUS[0],
         "longitude": DAMASCUS[1]},
    ]
    engine_places = [
        # overlapping, exact
        {"start": 15, "end": 22, "geonameid": 163808,
         "latitude": PALMYRA[0], "longitude": PALMYRA[1]},
        # partial overlap ("Homs on"), resolved to Palmyra: ~143 km off
        {"start": 27, "end": 34, "geonameid": 163808,
         "latitude": PALMYRA[0], "longitude": PALMYRA[1]},
        # not a gold toponym
        {"start": 35, "end": 41, "geonameid": 1, "latitude": 0.0, "longitude": 0.0},
    ]
    gold = [{"id": "p", "text": text, "places": gold_places}]
    report = score(gold, {"p": {"places": engine_places}})
    places = report["places"]
    assert places["precision"] == round(2 / 3, 4)
    assert places["recall"] == round(2 / 3, 4)
    assert places["within_161km"] == 1.0
    assert places["geonameid_accuracy"] == 0.5
    km = haversine_km(PALMYRA, HOMS)
    assert places["auc"] == round((0 + math.log1p(km) / math.log(20039)) / 2, 4)
    assert "events" not in report and "location" not in report


def test_places_best_overlap_wins():
    gold = [{"id": "p", "text": "x" * 40, "places": [
        {"start": 10, "end": 20, "name": "Homs", "latitude": HOMS[0], "longitude": HOMS[1]}]}]
    engine_places = [
        {"start": 5, "end": 11, "latitude": DAMASCUS[0], "longitude": DAMASCUS[1]},
        {"start": 10, "end": 20, "latitude": HOMS[0], "longitude": HOMS[1]},
    ]
    places = score(gold, {"p": {"places": engine_places}})["places"]
    assert places["median_km"] == 0.0
    assert places["precision"] == 1.0  # both overlap a gold span


def test_article_text_bag_of_words():
    gold = [{"id": "h", "html": "<p>x</p>", "article_text": "The army took the city."},
            {"id": "i", "html": "<p>y</p>", "article_text": "Rain fell."}]
    pred = {"h": {"article_text": "the army took THE city. Share this article"},
            "i": {}}
    block = score(gold, pred)["article_text"]
    # doc h: 5 of 8 engine tokens are gold ones, all 5 gold tokens found; doc i: nothing
    p, r = 5 / 8 / 2, 1 / 2
    assert block["precision"] == round(p, 4) and block["recall"] == round(r, 4)
    assert block["f1"] == round((2 * (5 / 8) / (5 / 8 + 1)) / 2, 4)
    assert block["n"] == 2


# --- files, report, rendering -----------------------------------------------------------------


def test_load_gold_formats(tmp_path):
    records = [doc("a", [gold_event()]), doc("b", [])]
    (tmp_path / "g.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n\n")
    with gzip.open(tmp_path / "g2.jsonl.gz", "wt") as fh:
        fh.write(json.dumps(doc("c")) + "\n")
    (tmp_path / "one.json").write_text(json.dumps(doc("d"), indent=1))
    (tmp_path / "list.json").write_text(json.dumps([doc("e"), doc("f")]))
    gold = load_gold([str(tmp_path / n) for n in ("g.jsonl", "g2.jsonl.gz", "one.json",
                                                  "list.json")])
    assert [d["id"] for d in gold] == ["a", "b", "c", "d", "e", "f"]


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "text": "t"}\n{"id": "b", "text": \n', "g.jsonl:2: invalid JSON"),
    ('{"id": "a", "text": "t", "events": [{"event_date": "2 March"}]}\n', "g.jsonl:1: events[0]"),
    ('{"id": "a", "text": "t", "events": [{"latitude": "34.5"}]}\n', "'latitude' must be"),
    ('{"text": "t"}\n', "g.jsonl:1: a gold document needs an 'id'"),
    ('{"id": "a"}\n', "needs 'text' or 'html'"),
    ('{"id": "a", "text": "t"}\n{"id": "a", "text": "u"}\n', "g.jsonl:2: duplicate id"),
    ('{"id": "a", "text": "t", "places": [{"start": 1}]}\n', "places[0]: a place needs 'end'"),
])
def test_malformed_gold_is_a_one_line_error(tmp_path, content, message):
    path = tmp_path / "g.jsonl"
    path.write_text(content)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_gold([str(path)])


def test_load_predictions_keyed_by_id(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a", "events": []}\n{"id": 7, "events": []}\n')
    assert set(load_predictions(str(path))) == {"a", "7"}
    path.write_text('{"events": []}\n')
    with pytest.raises(ValueError, match="out.jsonl:1"):
        load_predictions(str(path))


def test_evaluate_writes_json_report_with_all_keys(tmp_path):
    gold = [
        doc("a", [gold_event()]),
        doc("b", []),
        doc("c", [{"sub_event_type": "Armed clash"}]),
        {"id": "p", "text": "In Palmyra.", "places": [
            {"start": 3, "end": 10, "name": "Palmyra", "geonameid": 163808,
             "latitude": PALMYRA[0], "longitude": PALMYRA[1]}]},
        {"id": "h", "html": "<p>Hello world</p>", "article_text": "Hello world"},
    ]
    gold_path, pred_path, json_path = (tmp_path / n for n in ("g.jsonl", "p.jsonl", "r.json"))
    gold_path.write_text("\n".join(json.dumps(d) for d in gold) + "\n")
    pred_path.write_text("\n".join(json.dumps({"id": k, **v})
                                   for k, v in perfect(gold).items()) + "\n")
    console = Console(file=io.StringIO(), width=120)
    report = evaluate([str(gold_path)], pred=str(pred_path), json_out=str(json_path),
                      console=console)
    written = json.loads(json_path.read_text())
    assert written == report
    for key in ("documents", "seconds", "events", "fields", "sub_event_type", "classification",
                "location", "places", "article_text", "event_type"):
        assert key in written, key
    assert set(written["events"]) >= {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert set(written["sub_event_type"]) >= {"macro_f1", "micro_f1", "weighted_f1", "per_type",
                                              "confusion"}
    assert set(written["classification"]) >= {"accuracy", "macro_f1", "weighted_f1", "n"}
    assert set(written["location"]) >= {"within_25km", "within_161km", "n"}
    assert set(written["places"]) >= {"precision", "recall", "f1", "within_161km", "auc",
                                      "geonameid_accuracy", "n"}
    assert set(written["article_text"]) >= {"precision", "recall", "f1", "n"}
    assert written["events"]["f1"] == 1.0 and written["classification"]["accuracy"] == 1.0
    shown = console.file.getvalue()
    for title in ("Summary", "Fields of matched events", "Sub-event types", "Places",
                  "lower is better", "Article text", "Classification (top event)"):
        assert title in shown


def test_render_skips_absent_blocks():
    console = Console(file=io.StringIO(), width=100)
    render({"documents": 0, "seconds": 0.0}, console)
    shown = console.file.getvalue()
    assert "Summary" in shown and "Places" not in shown and "Fields" not in shown


# --- the reference story ----------------------------------------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="shared seed gold not available")
def test_seed_gold_against_its_own_events_scores_one():
    gold = load_gold([str(SEED)])
    report = score(gold, perfect(gold))
    assert report["events"]["f1"] == 1.0
    assert report["events"]["tp"] == len(gold[0]["events"])
    assert all(f["accuracy"] == 1.0 for k, f in report["fields"].items() if k != "fatalities_mae")
    assert report["location"]["within_25km"] == 1.0
    assert report["sub_event_type"]["micro_f1"] == 1.0


# --- running the engine -----------------------------------------------------------------------


def test_run_engine_gives_the_engine_only_the_page_and_date(monkeypatch):
    """The pipeline is stubbed: this checks the wiring, not the stages."""
    import dateline.evaluate as ev
    import dateline.pipeline
    from dateline.records import Document, Event, Span

    seen: list[dict] = []

    def fake_ingest(record: dict, line_id: str) -> Document:
        seen.append(record)
        if record["id"] == "bad":
            raise RuntimeError("unreadable")
        return Document(id="renamed", text=record.get("text", ""))

    class FakePipeline:
        def __init__(self, stages=None) -> None:
            pass

        def pipe(self, docs):
            span = Span(start=0, end=6, text="Syrian")
            for d in docs:
                if not d.errors:
                    d.events = [Event(event_type="Battles", sub_event_type="Armed clash",
                                      sentence=span, trigger=span)]
                yield d

    monkeypatch.setattr(ev, "_ingest_fn", lambda: fake_ingest)
    monkeypatch.setattr(dateline.pipeline, "Pipeline", FakePipeline)
    gold = [doc("a", [gold_event()], published="2017-03-04", url="http://x",
                places=[], background=["x"]), doc("bad", [])]
    out = ev.run_engine(gold, progress=False)
    assert seen[0] == {"id": "a", "text": gold[0]["text"], "url": "http://x",
                       "published": "2017-03-04"}
    assert set(out) == {"a", "bad"}  # keyed by the gold id whatever ingest called it
    assert out["a"]["events"][0]["sub_event_type"] == "Armed clash"
    assert out["bad"]["events"] == [] and "unreadable" in out["bad"]["errors"][0]
    assert score(gold, out)["events"]["tp"] == 1


def test_missing_fatalities_read_as_zero():
    gold = [doc("a", [gold_event(fatalities=0)]), doc("b", [gold_event(fatalities=4)])]
    pred = {k: {"events": [{**as_engine(gold_event()), "fatalities": None}]} for k in "ab"}
    fields = score(gold, pred)["fields"]
    assert fields["fatalities"] == {"accuracy": 0.5, "n": 2}
    assert fields["fatalities_mae"] == 2.0


def test_actor_names_ignore_the_article():
    from dateline.evaluate.fields import norm_actor

    assert norm_actor("Military Forces of the United States (2021-)") == norm_actor(
        "Military Forces of United States")


def test_none_is_not_averaged_as_a_type():
    from dateline.evaluate.metrics import type_block

    block = type_block([("Attack", "Attack"), ("none", "Grenade"), ("Attack", "none")])
    assert "none" not in block["per_type"]
    assert set(block["per_type"]) == {"Attack", "Grenade"}
