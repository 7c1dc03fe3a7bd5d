import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from serve_fixtures import fill

from dateline.serve import ServeConfig, create_app
from dateline.serve.security import BodySizeLimit
from dateline.store import Store

WIRE = (Path(__file__).parents[1] / "examples" / "wire_story.txt").read_text()


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("api") / "api.duckdb")
    fill(s)
    yield s
    s.close()


def client(store, **config) -> TestClient:
    return TestClient(create_app(store, ServeConfig(**config)))


def test_events_with_filters_from_the_query_string(filled):
    c = client(filled)
    got = c.get("/api/events", params={"country": "Somalia,SY", "start": "2017-01-01"})
    assert got.status_code == 200
    assert [e["id"] for e in got.json()["items"]] == ["ev-baidoa", "ev-afgooye", "ev-palmyra"]
    got = c.get("/api/events", params={"sub_event_type": "Armed clash", "limit": 7}).json()
    assert len(got["items"]) == 7 and got["next_cursor"]
    nxt = c.get("/api/events", params={"sub_event_type": "Armed clash", "limit": 7,
                                       "cursor": got["next_cursor"]}).json()
    assert {e["id"] for e in nxt["items"]}.isdisjoint(e["id"] for e in got["items"])
    assert c.get("/api/events", params={"bbox": "170,-20,-170,-10"}).json()["items"][0][
        "id"] == "ev-fiji"


@pytest.mark.parametrize("params, message", [
    ({"country": "Narnia"}, "unknown country 'Narnia'"),
    ({"event_type": "Battle"}, "unknown event_type 'Battle'"),
    ({"sub_event_type": "Bombing"}, "unknown sub_event_type"),
    ({"bbox": "1,2,3"}, "west,south,east,north"),
    ({"bbox": "0,80,10,-80"}, "south <= north"),
    ({"start": "2020-02-01", "end": "2020-01-01"}, "after end"),
    ({"start": "last week"}, "date"),
    ({"limit": "501"}, "less than or equal to 500"),
    ({"cursor": "abc"}, "invalid cursor"),
])
def test_bad_filters_are_422_with_a_reason(filled, params, message):
    got = client(filled).get("/api/events", params=params)
    assert got.status_code == 422
    assert message in str(got.json()["detail"])


def test_one_event_with_sources_and_highlights(filled):
    c = client(filled)
    ev = c.get("/api/events/ev-palmyra").json()
    assert ev["n_sources"] == 2 and len(ev["sources"]) == 2
    afp = ev["sources"][1]
    text = afp["sentence"]["text"]
    assert {text[h["start"]:h["end"]] for h in afp["sentence"]["highlights"]} == \
        {"Syrian troops", "recaptured", "Palmyra", "on Thursday"}
    missing = c.get("/api/events/ev-nope")
    assert missing.status_code == 404 and "ev-nope" in missing.json()["detail"]


def test_documents_timeline_map_places(filled):
    c = client(filled)
    assert c.get("/api/documents").json()["items"][0]["id"] == "afp-palmyra"
    doc = c.get("/api/documents/hostile%2F1%232").json()  # ids may hold / and #
    assert "<script>" in doc["text"]
    assert c.get("/api/documents/nope").status_code == 404
    assert c.get("/api/timeline", params={"interval": "year"}).json()["total"] == 25
    assert c.get("/api/map", params={"country": "SO"}).json()["mode"] == "points"
    assert c.get("/api/places", params={"q": "mos"}).json()[0]["events"] == 20


def test_control_timeline_route(filled):
    got = client(filled).get("/api/places/Palmyra/control")
    assert got.status_code == 200
    periods = got.json()["periods"]
    assert periods and periods[-1]["holder"] == "Military Forces of Syria"
    assert "ev-palmyra" in periods[-1]["event_ids"]


def test_reads_open_by_default_closed_by_a_read_token(filled):
    assert client(filled).get("/api/events").status_code == 200
    c = client(filled, read_token="r3ad")
    for path in ("/api/events", "/api/events/ev-palmyra", "/api/config", "/api/places"):
        assert c.get(path).status_code == 401
        assert c.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert c.get(path, headers={"Authorization": "Bearer r3ad"}).status_code == 200
    assert c.get("/").status_code == 200  # the page itself asks for the token


def test_ingest_is_off_without_a_token_and_needs_the_right_one(filled):
    body = {"documents": [{"id": "x", "text": "Troops clashed with rebels."}]}
    assert client(filled).post("/api/documents", json=body).status_code == 403
    c = client(filled, ingest_token="s3cret", read_token="r3ad")
    assert c.post("/api/documents", json=body).status_code == 401
    wrong = c.post("/api/documents", json=body, headers={"Authorization": "Bearer r3ad"})
    assert wrong.status_code == 403  # the read token does not allow writing


def test_ingest_validates_the_body(filled):
    c = client(filled, ingest_token="s3cret")
    auth = {"Authorization": "Bearer s3cret"}
    assert c.post("/api/documents", json={"documents": []}, headers=auth).status_code == 422
    bad = c.post("/api/documents", json={"documents": [{"id": "x"}]}, headers=auth)
    assert bad.status_code == 422 and "non-empty 'text' or 'html'" in bad.text
    assert c.post("/api/documents", content=b"{not json", headers={
        **auth, "content-type": "application/json"}).status_code == 422


def test_ingest_codes_stores_and_merges(tmp_path):
    with Store(tmp_path / "ingest.duckdb") as s:
        c = client(s, ingest_token="s3cret")
        auth = {"Authorization": "Bearer s3cret"}
        body = {"documents": [{"id": "wire", "text": WIRE, "published": "2019-05-14"}]}
        got = c.post("/api/documents", json=body, headers=auth)
        assert got.status_code == 200, got.text
        [result] = got.json()["results"]
        assert result["stored"] and result["events"] >= 2 and not result["errors"]
        assert 1 <= len(result["merged_ids"]) <= result["events"]
        again = c.post("/api/documents", json=body, headers=auth).json()["results"][0]
        assert again["stored"] is False and again["merged_ids"] == result["merged_ids"]
        events = c.get("/api/events", params={"country": "SO"}).json()["items"]
        assert sorted(e["id"] for e in events) == sorted(result["merged_ids"])


def test_oversized_bodies_are_refused(filled):
    c = client(filled, ingest_token="s3cret", max_body_bytes=1000)
    big = {"documents": [{"id": "big", "text": "x" * 2000}]}
    got = c.post("/api/documents", json=big, headers={"Authorization": "Bearer s3cret"})
    assert got.status_code == 413 and "1000 bytes" in got.json()["detail"]


async def _drive(app, chunks):
    """Run an ASGI app on a streamed (chunked, no Content-Length) request."""
    sent, queue = [], [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    queue[-1]["more_body"] = False

    async def receive():
        return queue.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    await app(scope, receive, send)
    return sent


def test_body_limit_stops_a_streamed_body_without_content_length():
    import asyncio

    async def reader(scope, receive, send):  # an app that reads its whole body
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = BodySizeLimit(reader, limit=10)
    over = asyncio.run(_drive(limited, [b"123456", b"789012"]))
    assert over[0]["status"] == 413
    under = asyncio.run(_drive(limited, [b"12345", b"67890"]))
    assert under[0]["status"] == 200


def test_security_headers_and_strict_csp(filled):
    c = client(filled, tile_url="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    for path in ("/", "/api/events", "/static/app.js"):
        h = c.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe" not in csp
        assert "img-src 'self' data: https://*.tile.example.org" in csp
        assert h["x-content-type-options"] == "nosniff"
    docs = c.get("/api/docs").headers["content-security-policy"]
    assert "script-src 'self';" in docs and "style-src 'self' 'unsafe-inline'" in docs


def test_page_and_its_assets_are_local(filled):
    c = client(filled)
    page = c.get("/").text
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from another server
    for asset in re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", page):
        assert c.get(asset).status_code == 200, asset
    assert c.get("/static/vendor/world-atlas/countries-110m.json").json()["type"] == "Topology"
    js = c.get("/static/app.js").text
    assert "innerHTML" not in js.replace("div.innerHTML", "")  # only the escaping helper
    assert "eval(" not in js


def test_openapi_describes_the_routes(filled):
    spec = client(filled).get("/api/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/documents", "/api/timeline",
            "/api/map", "/api/places", "/api/places/{place}/control"} <= set(spec["paths"])
    assert "post" in spec["paths"]["/api/documents"]
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"start", "end", "country", "admin1", "event_type", "sub_event_type", "actor",
            "bbox", "q", "limit", "cursor"} <= params
    assert "swagger-ui-bundle.js" in client(filled).get("/api/docs").text


def test_bad_tile_url_is_refused():
    with pytest.raises(ValueError, match="http"):
        ServeConfig(tile_url="javascript:alert(1)//{z}/{x}/{y}")
    with pytest.raises(ValueError, match="needs"):
        ServeConfig(tile_url="https://tiles.example.org/tile.png")
