"""A small store of merged events written row by row through `Store`, for the query and API
tests (no spaCy: fast, and every value is known)."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest

from dateline.store import Store

PALMYRA_TEXT = (
    "Syrians drive ISIS out of Palmyra\n\n"
    "BEIRUT (AFP) - Syrian troops backed by Russian air strikes recaptured Palmyra from the "
    "Islamic State group on Thursday, the army said. "
    "The army said the town was now fully secured."
)
PALMYRA_SENTENCE = ("Syrian troops backed by Russian air strikes recaptured Palmyra from the "
                    "Islamic State group on Thursday, the army said.")
SANA_TEXT = (
    "Army restores security to Palmyra\n\n"
    "DAMASCUS (SANA) - Army units restored security to Palmyra on Thursday after fierce "
    "fighting with ISIS terrorists. " + "Army units restored security to Palmyra on Thursday "
    "after fierce fighting with ISIS terrorists."
)
SANA_SENTENCE = ("Army units restored security to Palmyra on Thursday after fierce fighting "
                 "with ISIS terrorists.")
HOSTILE_TEXT = ('Protest <script>window.__pwned = 1</script>\n\nNAIROBI - Police fired on '
                'protesters <img src=x onerror="window.__pwned = 2"> in 100% of streets.')


def _span(text: str, part: str, after: int = 0) -> dict[str, Any]:
    start = text.index(part, after)
    return {"start": start, "end": start + len(part), "text": part, "confidence": 0.9}


def merged(store: Store, id: str, **values: Any) -> None:
    row = {"id": id, "time_precision": 1, "n_sources": 1, "n_records": 1, "confidence": 0.8,
           "fatalities": 0, "geo_precision": 1, **values}
    cols = ", ".join(row)
    store.execute(f"INSERT INTO merged_events ({cols}) VALUES ({', '.join('?' * len(row))})",
                  list(row.values()))


def document(store: Store, id: str, text: str, published: dt.date, **values: Any) -> None:
    row = {"id": id, "content_hash": id, "text": text, "published": published,
           "title": text.split("\n")[0], "errors": "[]", "n_events": 1, **values}
    store.execute(f"INSERT INTO documents ({', '.join(row)}) VALUES"
                  f" ({', '.join('?' * len(row))})", list(row.values()))


def record(store: Store, id: str, doc_id: str, merged_id: str, sentence: str,
           evidence: dict[str, Any], score: float = 1.0, **values: Any) -> None:
    row = {"id": id, "document_id": doc_id, "sentence": sentence,
           "evidence": json.dumps(evidence), **values}
    store.execute(f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                  list(row.values()))
    store.execute("INSERT INTO merged_members (record_id, merged_id, document_id, score,"
                  " reasons) VALUES (?, ?, ?, ?, ?)",
                  [id, merged_id, doc_id, score, json.dumps({"date": "same day"})])


def fill(store: Store) -> None:
    """Palmyra (two sources), Afgooye, Baidoa, a Fiji riot across the antimeridian, an
    undated event, a hostile article and 20 Iraqi clashes for paging."""
    d = dt.date
    merged(store, "ev-palmyra", event_date=d(2017, 3, 2), event_type="Battles",
           sub_event_type="Government regains territory", actor1="Military Forces of Syria",
           assoc_actor_1="Military Forces of Russia", actor2="Islamic State", country="SY",
           admin1="Homs", location="Palmyra", geonameid=170017, latitude=34.56,
           longitude=38.28, n_sources=2, n_records=2, notes=PALMYRA_SENTENCE)
    document(store, "afp-palmyra", PALMYRA_TEXT, d(2017, 3, 3), agency="AFP",
             url="https://example.org/palmyra")
    evidence = {
        "actor1": _span(PALMYRA_TEXT, "Syrian troops"),
        "sub_event_type": _span(PALMYRA_TEXT, "recaptured"),
        "location": _span(PALMYRA_TEXT, "Palmyra", 40),
        "event_date": _span(PALMYRA_TEXT, "on Thursday"),
        "fatalities": _span(PALMYRA_TEXT, "fully secured"),  # outside the sentence
    }
    record(store, "r-afp", "afp-palmyra", "ev-palmyra", PALMYRA_SENTENCE, evidence,
           event_date=d(2017, 3, 2), sub_event_type="Government regains territory",
           actor1="Military Forces of Syria", location="Palmyra", fatalities=0)
    document(store, "sana-palmyra", SANA_TEXT, d(2017, 3, 2), agency="SANA",
             url="javascript:alert(1)")
    second = SANA_TEXT.rindex(SANA_SENTENCE)  # the sentence appears twice; evidence in the 2nd
    record(store, "r-sana", "sana-palmyra", "ev-palmyra", SANA_SENTENCE,
           {"location": _span(SANA_TEXT, "Palmyra", second)}, score=0.7,
           event_date=d(2017, 3, 2), sub_event_type="Government regains territory",
           actor1="Military Forces of Syria", location="Palmyra", fatalities=0)
    merged(store, "ev-afgooye", event_date=d(2019, 5, 13),
           event_type="Explosions/Remote violence", sub_event_type="Suicide bomb",
           actor1="Al Shabaab", actor2="Military Forces of Somalia", country="SO",
           admin1="Lower Shabeelle", location="Afgooye", latitude=2.14, longitude=45.12,
           fatalities=12, notes="A suicide bomber killed 12 soldiers in Afgooye.")
    merged(store, "ev-baidoa", event_date=d(2019, 5, 14), event_type="Protests",
           sub_event_type="Protest with intervention", actor1="Protesters (Somalia)",
           actor2="Police Forces of Somalia", country="SO", admin1="Bay", location="Baidoa",
           latitude=3.11, longitude=43.65, notes="Hundreds protested food prices in Baidoa.")
    merged(store, "ev-fiji", event_date=d(2020, 1, 1), event_type="Riots",
           sub_event_type="Mob violence", actor1="Rioters (Fiji)", country="FJ",
           admin1="Northern", location="Labasa", latitude=-16.43, longitude=179.38,
           notes="A mob attacked shops in Labasa.")
    merged(store, "ev-undated", event_type="Strategic developments", sub_event_type="Other",
           actor1="Unidentified Armed Group (Mali)", country="ML", notes="Undated.")
    merged(store, "ev-hostile", event_date=d(2021, 6, 1), event_type="Protests",
           sub_event_type="Protest with intervention", actor1="Protesters (Kenya)",
           country="KE", admin1="Nairobi", location="Nairobi", latitude=-1.28,
           longitude=36.82, notes="Police fired on protesters in 100% of streets.")
    hostile_sentence = HOSTILE_TEXT[HOSTILE_TEXT.index("Police"):]
    document(store, "hostile/1#2", HOSTILE_TEXT, d(2021, 6, 1))
    record(store, "r-hostile", "hostile/1#2", "ev-hostile", hostile_sentence,
           {"actor1": _span(HOSTILE_TEXT, "protesters")}, event_date=d(2021, 6, 1))
    for i in range(20):
        merged(store, f"ev-iq-{i:02d}", event_date=d(2022, 1, 1) + dt.timedelta(days=i // 2),
               event_type="Battles", sub_event_type="Armed clash",
               actor1="Military Forces of Iraq", actor2="Islamic State", country="IQ",
               admin1="Nineveh", location="Mosul", latitude=36.34, longitude=43.13,
               fatalities=i % 3)


@pytest.fixture(params=["duckdb", "postgresql"], scope="module")
def store(request, tmp_path_factory):
    """The filled store on DuckDB, and on PostgreSQL when DATELINE_TEST_POSTGRES is set.
    Shared by a module's tests: a test that adds rows removes them."""
    if request.param == "duckdb":
        s = Store(tmp_path_factory.mktemp("serve") / "serve.duckdb")
    else:
        url = os.environ.get("DATELINE_TEST_POSTGRES")
        if not url:
            pytest.skip("PostgreSQL query tests need a server: set DATELINE_TEST_POSTGRES "
                        "to a postgresql:// URL (.ci/run does)")
        s = Store(url)
        for table in ("merged_members", "merged_events", "events", "places", "documents"):
            s.execute(f"DELETE FROM {table}")
    fill(s)
    yield s
    s.close()
