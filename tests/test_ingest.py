"""The ingest stage: raw inputs -> Documents, and the plain-text news cleaner."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import logging
import sys
from pathlib import Path

import pytest

from dateline.ingest import (
    IngestError,
    document_from_html,
    document_from_record,
    document_from_text,
    read_inputs,
)

WIRE = """Rebels seize border town after days of fighting

GOMA • Rebel fighters have taken control of the border town of Bunagana after two days of \
heavy clashes with the army, residents and officials said on Tuesday.

The army said it had withdrawn its troops to avoid civilian casualties. "We are regrouping," a \
spokesman said.

Aid groups said thousands of people had fled across the border into Uganda.

AGENCE FRANCE PRESSE

Join our WhatsApp channel and get the latest news delivered to you.

A version of this article appeared in the print edition of The Daily Ledger on June 14, 2022, \
with the headline Rebels seize border town after days of fighting. Subscribe"""


def spans_valid(doc) -> bool:
    spans = [*doc.body, *doc.boilerplate, *([doc.dateline] if doc.dateline else [])]
    return all(doc.text[s.start:s.end] == s.text for s in spans)


def test_wire_story_parts() -> None:
    doc = document_from_text(WIRE, "w1")
    assert doc.text == WIRE
    assert doc.title is not None and doc.title.text.startswith("Rebels seize border town")
    assert doc.title.start == 0
    assert doc.dateline is not None and doc.dateline.text == "GOMA"
    assert doc.agency == "AFP"
    assert doc.outlet == "The Daily Ledger"
    assert doc.published == dt.date(2022, 6, 14)
    assert doc.published_source == "text"
    assert len(doc.body) == 3
    assert doc.body[0].text.startswith("GOMA •")
    assert doc.body[-1].text.endswith("into Uganda.")
    dropped = [s.text for s in doc.boilerplate]
    assert "AGENCE FRANCE PRESSE" in dropped
    assert any(t.startswith("Join our WhatsApp") for t in dropped)
    assert any(t.startswith("A version of this article") for t in dropped)
    assert spans_valid(doc)
    assert doc.errors == []


def test_given_date_wins() -> None:
    doc = document_from_text(WIRE, "w1", published=dt.date(2022, 6, 13))
    assert doc.published == dt.date(2022, 6, 13)
    assert doc.published_source == "given"


@pytest.mark.parametrize(
    ("opening", "place", "agency"),
    [
        ("BEIRUT • Troops advanced", "BEIRUT", None),
        ("BEIRUT — Troops advanced", "BEIRUT", None),
        ("KABUL (Reuters) - Taliban fighters", "KABUL", "Reuters"),
        ("MOGADISHU, March 3 (AFP) - Gunmen stormed", "MOGADISHU", "AFP"),
        ("NAIROBI, Kenya (AP) — Police fired", "NAIROBI", "AP"),
        ("Lagos, Nigeria — Police fired", "Lagos", None),
        ("DAMASCUS: Shelling hit", "DAMASCUS", None),
        ("BEIJING, May 2 (Xinhua) -- Officials said", "BEIJING", "Xinhua"),
        ("DAR ES SALAAM, Tanzania (dpa) - Police", "DAR ES SALAAM", "dpa"),
        ("ADDIS ABABA (Anadolu) – Ethiopian forces", "ADDIS ABABA", "Anadolu"),
    ],
)
def test_dateline_forms(opening: str, place: str, agency: str | None) -> None:
    text = f"Headline of the story\n\n{opening} in the area on Monday.\n\nMore text follows here."
    doc = document_from_text(text, "d")
    assert doc.dateline is not None
    assert doc.dateline.text == place
    assert text[doc.dateline.start:doc.dateline.end] == place
    assert doc.agency == agency


@pytest.mark.parametrize(
    "opening",
    [
        "ISIS has suffered a string of setbacks.",
        "BREAKING: Troops advanced on the town.",
        "Officials — speaking anonymously — said troops advanced.",
        "The army said (in a statement) that it advanced.",
    ],
)
def test_no_false_dateline(opening: str) -> None:
    doc = document_from_text(f"A headline\n\n{opening}\n\nMore.", "d")
    assert doc.dateline is None


def test_dateline_only_in_first_paragraph() -> None:
    doc = document_from_text("A headline\n\nTroops advanced.\n\nKABUL (Reuters) - Later.", "d")
    assert doc.dateline is None


@pytest.mark.parametrize(
    ("credit", "agency"),
    [
        ("AGENCE FRANCE PRESSE", "AFP"),
        ("REUTERS", "Reuters"),
        ("Associated Press", "AP"),
        ("- dpa", "dpa"),
        ("Reuters/AP", "Reuters"),
        ("Source: Xinhua", "Xinhua"),
        ("(Anadolu Agency)", "Anadolu"),
    ],
)
def test_agency_credit_line(credit: str, agency: str) -> None:
    text = f"A headline\n\nTroops advanced on the town on Monday.\n\n{credit}"
    doc = document_from_text(text, "c")
    assert doc.agency == agency
    assert [s.text for s in doc.boilerplate] == [credit]
    assert len(doc.body) == 1


def test_published_lines() -> None:
    text = "Published: 5 April 2021\n\nTroops advanced on the town.\n\nUpdated: April 7, 2021"
    doc = document_from_text(text, "p")
    assert doc.published == dt.date(2021, 4, 5)
    assert doc.published_source == "text"
    assert [s.text for s in doc.body] == ["Troops advanced on the town."]


def test_dateline_date_needs_a_year() -> None:
    story = "A headline\n\nMOGADISHU, March 3 (AFP) - Gunmen attacked a hotel.\n\nMore text."
    assert document_from_text(story, "a").published is None
    doc = document_from_text(story + "\n\n© 2019 AFP", "b")
    assert doc.published == dt.date(2019, 3, 3)
    assert doc.published_source == "text"


def test_date_in_article_sentence_is_not_published() -> None:
    text = "A headline\n\nThe war began on March 15, 2011, officials said.\n\nMore text."
    assert document_from_text(text, "x").published is None


def test_boilerplate_dropped_but_sentences_kept() -> None:
    kept = [
        "The group urged its followers to subscribe to its channel, which was later shut down "
        "by the authorities after it posted videos of the attack on the village.",
        "Police said they would follow up on reports that the suspects had fled to the north.",
        "Facebook declined to comment.",
        "By dawn, the rebels had withdrawn from the town.",
    ]
    furniture = [
        "Subscribe to our newsletter",
        "Share this article",
        "Follow us on Twitter",
        "Read more: Fighting flares in the north",
        "Click here to sign up for alerts",
        "We use cookies to improve your experience. Accept cookies",
        "Advertisement",
        "© 2020 The Daily Ledger. All rights reserved.",
        "Photo: AFP",
        "By John Smith and Jane Doe",
        "Reporting by Ali Khan; Editing by Mark Heinrich",
    ]
    text = "\n\n".join(["A headline", *kept[:2], furniture[0], *kept[2:], *furniture[1:]])
    doc = document_from_text(text, "b")
    assert [s.text for s in doc.body] == kept
    assert [s.text for s in doc.boilerplate] == furniture
    assert spans_valid(doc)


def test_single_newlines_split_paragraphs() -> None:
    text = "Troops advanced on the town.\nThey met little resistance.\nShare this article"
    doc = document_from_text(text, "n")
    assert [s.text for s in doc.body] == ["Troops advanced on the town.",
                                          "They met little resistance."]


def test_hard_wrapped_paragraph_is_one_span() -> None:
    text = ("A headline\n\nTroops advanced on the town after days of fighting and\n"
            "subscribe to nothing, residents said on Monday.\n\nSecond paragraph.")
    doc = document_from_text(text, "h")
    assert len(doc.body) == 2
    assert doc.body[0].text.endswith("on Monday.")
    assert spans_valid(doc)


def test_crlf_text_offsets() -> None:
    text = "A headline\r\n\r\nKABUL (Reuters) - Troops advanced.\r\n\r\nREUTERS\r\n"
    doc = document_from_text(text, "r")
    assert doc.title is not None and doc.title.text == "A headline"
    assert doc.dateline is not None and doc.dateline.text == "KABUL"
    assert [s.text for s in doc.body] == ["KABUL (Reuters) - Troops advanced."]
    assert spans_valid(doc)


def test_empty_text_is_an_error() -> None:
    doc = document_from_text("  \n", "e")
    assert doc.text == "" and doc.errors == ["'e' is empty"]


HTML = """<html><head><title>Clashes erupt in Tripoli | The Daily Ledger</title>
<meta property="og:site_name" content="The Daily Ledger">
<meta property="og:title" content="Clashes erupt in Tripoli">
<meta property="article:published_time" content="2021-05-06T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Clashes erupt in Tripoli</h1>
<p>TRIPOLI (Reuters) - Armed groups clashed in the Libyan capital on Wednesday, residents said,
in the worst fighting the city has seen in months.</p>
<p>Heavy gunfire was heard near the airport road through the night and several families fled
their homes in the southern districts, according to witnesses.</p>
<p>The health ministry said at least three people were wounded in the fighting, which began
after the arrest of a militia commander on Tuesday evening.</p>
<p>The United Nations mission called on all sides to stop fighting and protect civilians.</p>
</article>
<footer><p>Copyright 2021 The Daily Ledger. All rights reserved.</p></footer>
</body></html>"""


def test_html_through_trafilatura() -> None:
    doc = document_from_html(HTML, "h1", url="https://example.org/tripoli")
    assert doc.errors == []
    assert doc.html == HTML
    assert "Armed groups clashed" in doc.text
    assert "Home" not in doc.body_text
    assert doc.title is not None and doc.title.text == "Clashes erupt in Tripoli"
    assert (doc.title.start, doc.title.end) == (-1, -1)
    assert doc.dateline is not None and doc.dateline.text == "TRIPOLI"
    assert doc.agency == "Reuters"
    assert doc.outlet == "The Daily Ledger"
    assert doc.published == dt.date(2021, 5, 6)
    assert doc.published_source == "page"
    assert spans_valid(doc)


def test_html_without_article() -> None:
    doc = document_from_html("<html><body></body></html>", "h2")
    assert doc.text == ""
    assert doc.errors == ["'h2': no article text found"]


def test_record_published_wins_over_cli() -> None:
    record = {"id": "r1", "text": WIRE, "published": "2022-06-10"}
    doc = document_from_record(record, "f-1", published=dt.date(2000, 1, 1))
    assert doc.id == "r1" and doc.published == dt.date(2022, 6, 10)
    assert doc.published_source == "given"
    doc = document_from_record({"text": WIRE}, "f-2", published=dt.date(2000, 1, 1))
    assert doc.id == "f-2" and doc.published == dt.date(2000, 1, 1)
    with pytest.raises(IngestError):
        document_from_record({"id": "x"}, "f-3")


def write_jsonl(path: Path, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def test_jsonl_with_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    write_jsonl(path, [
        json.dumps({"id": "a", "text": WIRE, "url": "https://example.org/a"}),
        '{"id": "b", "text": "oops"',
        "",
        json.dumps({"text": "Troops advanced on the town."}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "e", "title": "no text"}),
    ])
    docs = list(read_inputs([str(path)]))
    assert [d.id for d in docs] == ["a", "batch-2", "batch-4", "batch-5", "e"]
    assert docs[0].url == "https://example.org/a" and docs[0].errors == []
    assert docs[1].text == ""
    assert docs[1].errors[0].startswith(f"line 2 of '{path}': invalid JSON (Expecting ',' ")
    assert docs[2].errors == [] and docs[2].text == "Troops advanced on the town."
    assert "expected a JSON object, got list" in docs[3].errors[0]
    assert "no 'text' or 'html'" in docs[4].errors[0]


def test_jsonl_gz_and_cli_date(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl.gz"
    write_jsonl(path, [json.dumps({"id": "a", "text": "Troops advanced."}),
                       json.dumps({"id": "b", "text": "Troops advanced.",
                                   "published": "2020-02-02"})])
    docs = list(read_inputs([str(path)], published=dt.date(2020, 1, 1)))
    assert [(d.id, d.published) for d in docs] == [("a", dt.date(2020, 1, 1)),
                                                   ("b", dt.date(2020, 2, 2))]


def test_json_file_object_and_list(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"id": "seed", "text": WIRE, "events": []}))
    (tmp_path / "many.json").write_text(json.dumps([{"text": "A."}, {"id": "z", "text": "B."}]))
    docs = list(read_inputs([str(tmp_path / "one.json"), str(tmp_path / "many.json")]))
    assert [d.id for d in docs] == ["seed", "many-1", "z"]
    assert docs[0].agency == "AFP"


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("Troops advanced.", encoding="utf-8")
    (tmp_path / "sub" / "page.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    docs = list(read_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["b", "sub/a", "sub/page"]
    assert docs[1].source_path == str(tmp_path / "sub" / "a.txt")
    assert docs[2].agency == "Reuters"


def test_bad_files_become_error_documents(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "ok.txt").write_text("Troops advanced.", encoding="utf-8")
    names = ["missing.txt", "x.bin", "e.txt", "ok.txt"]
    docs = list(read_inputs([str(tmp_path / n) for n in names]))
    assert [d.id for d in docs] == ["missing", "x", "e", "ok"]
    assert docs[0].errors == [f"cannot read '{tmp_path / 'missing.txt'}': file not found"]
    assert docs[1].errors == [f"'{tmp_path / 'x.bin'}' looks binary, not text"]
    assert docs[2].errors == [f"'{tmp_path / 'e.txt'}' is empty"]
    assert docs[3].errors == [] and docs[3].text == "Troops advanced."
    assert all(d.text == "" for d in docs[:3])


def test_cp1252_file_keeps_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 owners said \u201cno\u201d \u2014 then fled.".encode("cp1252"))
    with caplog.at_level(logging.WARNING):
        docs = list(read_inputs([str(path)]))
    assert docs[0].text == "Caf\u00e9 owners said \u201cno\u201d \u2014 then fled."
    assert docs[0].errors == []
    assert "not valid UTF-8 (decoded as cp1252)" in caplog.text


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n" + WIRE))
    docs = list(read_inputs(["-"]))
    assert len(docs) == 1 and docs[0].id == "stdin"
    assert docs[0].dateline is not None and docs[0].dateline.text == "GOMA"


def test_stdin_jsonl_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps({"text": "Troops advanced."}), json.dumps({"id": "k", "text": "More."})]
    raw = io.BytesIO(("  " + "\n".join(lines) + "\n").encode("utf-8"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    docs = list(read_inputs(["-"]))
    assert [d.id for d in docs] == ["stdin-1", "k"]
    assert all(d.errors == [] for d in docs)


SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "palmyra.txt"


@pytest.mark.skipif(not SEED.exists(), reason="shared seed story not present")
def test_real_seed() -> None:
    doc = next(read_inputs([str(SEED)]))
    assert doc.id == "palmyra"
    assert doc.title is not None and doc.title.text == "Syrians drive ISIS out of Palmyra"
    assert doc.dateline is not None and doc.dateline.text == "BEIRUT"
    assert doc.agency == "AFP"
    assert doc.published == dt.date(2017, 3, 4)
    assert len(doc.body) == 9
    assert doc.body[0].text.startswith("BEIRUT •")
    assert doc.body[-1].text.endswith("Syrian government forces.")


def test_dateline_with_a_long_country_name_and_after_a_byline():
    doc = document_from_text(
        "Title\n\nBUNIA, Democratic Republic of Congo, Feb 3 (AFP) - Militiamen killed 60.", "a")
    assert (doc.dateline.text, doc.agency) == ("BUNIA", "AFP")
    doc = document_from_text(
        "Title\n\nBy our correspondent\n\nQAMISHLI, Syria — The SDF said on Wednesday.", "b")
    assert doc.dateline.text == "QAMISHLI"
