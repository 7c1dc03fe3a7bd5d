"""Streaming inputs at scale: WARC archives, RSS/Atom feeds, and the per-document size limit."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import time

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.ingest import read_inputs
from dateline.ingest.feeds import html_to_text
from dateline.ingest.limits import TimeLimit, time_limit
from dateline.ingest.readers import bounded_lines

STORY = ("GOMA, Congo (Reuters) - Rebel fighters took control of the border town of Bunagana "
         "after two days of heavy clashes with the army, residents said on Tuesday. ") * 3
PAGE = (f"<html><head><title>Rebels take Bunagana</title><script>var x=1;</script></head>"
        f"<body><article><h1>Rebels take Bunagana</h1><p>{STORY}</p><p>{STORY}</p>"
        f"</article></body></html>")


def _warc(path, records):
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, status, ctype, body in records:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                            http_headers=headers)
            writer.write_record(rec)


def test_warc_pages_become_documents_and_the_rest_is_passed_over(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _warc(path, [
        ("https://news.example/a", "200 OK", "text/html; charset=utf-8", PAGE.encode()),
        ("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG...."),
        ("https://news.example/old", "301 Moved", "text/html", b"<html>moved</html>"),
        ("https://news.example/b.txt", "200 OK", "text/plain", STORY.encode("latin-1")),
        ("https://news.example/c", "200 OK", "text/html; charset=windows-1252",
         PAGE.replace("Rebel", "Caf\u00e9").encode("cp1252")),
    ])
    docs = list(read_inputs([str(path)]))
    assert [d.id for d in docs] == ["crawl-1", "crawl-2", "crawl-3"]
    assert [d.url for d in docs] == ["https://news.example/a", "https://news.example/b.txt",
                                     "https://news.example/c"]
    assert not any(d.errors for d in docs)
    assert "Bunagana" in docs[0].text and "var x" not in docs[0].text
    assert docs[0].title.text == "Rebels take Bunagana"
    assert docs[1].text.startswith("GOMA, Congo")
    assert "Caf\u00e9 fighters" in docs[2].text


def test_warc_page_over_the_size_limit_is_an_error_and_the_next_page_is_read(tmp_path):
    path = tmp_path / "big.warc.gz"
    _warc(path, [("https://x/huge", "200 OK", "text/html", b"<p>x</p>" * 200_000),
                 ("https://x/ok", "200 OK", "text/html", PAGE.encode())])
    docs = list(read_inputs([str(path)], max_bytes=1024 * 1024))
    assert "larger than the 1 MB limit per document" in docs[0].errors[0]
    assert not docs[1].errors and "Bunagana" in docs[1].text


def test_a_damaged_warc_is_one_error_line(tmp_path):
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\n\r\ngarbage")
    docs = list(read_inputs([str(path)]))
    assert len(docs) == 1 and "not a readable WARC archive" in docs[0].errors[0]


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Daily Ledger</title>
<item><title>Rebels take Bunagana</title><link>https://news.example/a</link>
<guid>urn:ledger:1</guid><pubDate>Tue, 14 Jun 2022 10:00:00 GMT</pubDate>
<description>short summary</description>
<content:encoded><![CDATA[<p>{story}</p><script>alert(1)</script><p>Second paragraph.</p>]]>
</content:encoded></item>
<item><title>No id here</title><link>https://news.example/b</link>
<description>Police arrested five men in Lagos on Monday.</description></item>
</channel></rss>""".replace("{story}", STORY)

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title>Clashes in Gao</title><id>tag:wire,2023:9</id>
<link rel="alternate" href="https://wire.example/9"/><published>2023-05-14T08:00:00Z</published>
<summary type="html">&lt;p&gt;Gunmen attacked an army post in Gao.&lt;/p&gt;</summary></entry>
</feed>"""


def test_rss_items_become_documents_with_their_own_id_link_and_date(tmp_path):
    (tmp_path / "ledger.rss").write_text(RSS, encoding="utf-8")
    docs = list(read_inputs([str(tmp_path / "ledger.rss")], published=dt.date(2020, 1, 1)))
    assert [d.id for d in docs] == ["urn:ledger:1", "https://news.example/b"]
    first = docs[0]
    assert first.url == "https://news.example/a" and not first.errors
    assert first.published == dt.date(2022, 6, 14) and first.published_source == "given"
    assert first.title.text == "Rebels take Bunagana"
    assert "Second paragraph." in first.text and "alert" not in first.text
    assert docs[1].published == dt.date(2020, 1, 1)  # no date of its own: the given one
    assert "Police arrested five men" in docs[1].text


def test_atom_entries_and_a_feed_without_items(tmp_path):
    (tmp_path / "wire.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "empty.xml").write_text("<rss><channel></channel></rss>", encoding="utf-8")
    docs = list(read_inputs([str(tmp_path)]))
    assert docs[0].id == "empty" and "no RSS item or Atom entry found" in docs[0].errors[0]
    entry = docs[1]
    assert entry.id == "tag:wire,2023:9" and entry.url == "https://wire.example/9"
    assert entry.published == dt.date(2023, 5, 14)
    assert "Gunmen attacked an army post in Gao." in entry.text


def test_html_to_text_keeps_blocks_apart_and_drops_scripts():
    text = html_to_text("<div><p>One.</p><script>evil()</script><p>Two <b>bold</b>.</p></div>")
    assert text == "One.\n\nTwo bold."
    assert html_to_text("plain words") == "plain words"


def test_size_limit_on_files_gz_and_jsonl_lines(tmp_path):
    big = "word " * 300_000
    (tmp_path / "a.txt").write_text(big)
    with gzip.open(tmp_path / "b.txt.gz", "wt") as fh:
        fh.write(big)
    lines = [json.dumps({"id": "small", "text": STORY}), json.dumps({"id": "big", "text": big}),
             json.dumps({"id": "after", "text": STORY})]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    docs = list(read_inputs([str(tmp_path)], max_bytes=1024 * 1024))
    assert [d.id for d in docs] == ["a", "b", "small", "c-2", "after"]
    for doc in (docs[0], docs[1], docs[3]):
        assert "larger than the 1 MB limit per document (--max-mb)" in doc.errors[0]
    assert not docs[2].errors and not docs[4].errors


def test_bounded_lines_never_holds_a_long_line():
    data = io.BytesIO(b"short\n" + b"x" * 5000 + b"\nlast")
    assert list(bounded_lines(data, 100)) == [b"short\n", None, b"last"]


def test_empty_jsonl_is_reported(tmp_path):
    (tmp_path / "e.jsonl").write_text("\n\n")
    docs = list(read_inputs([str(tmp_path / "e.jsonl")]))
    assert len(docs) == 1 and "holds no JSON line" in docs[0].errors[0]


def test_time_limit_interrupts_slow_python_code():
    started = time.monotonic()
    try:
        with time_limit(0.2):
            while True:
                pass
    except TimeLimit as exc:
        assert "0.2 s limit per document" in str(exc)
    assert time.monotonic() - started < 5
