"""Latency of `dateline serve`'s API over a large store, through the real server.

    python scripts/synth_events.py /tmp/synth.duckdb --events 1000000
    python bench/api_latency.py /tmp/synth.duckdb --requests 200

Starts the app under uvicorn on a free loopback port (in a thread) and times HTTP requests
from an httpx client, one at a time, for a mix of query kinds: pages of events filtered by
country, dates, type, actor, box, text, deeper pages by cursor, one event with its sources,
the timeline and the map. Prints p50/p95/p99 per kind and over all filtered pages (the number
the issue's target, p95 under 50 ms, is about), with and without free-text search. Parameters
are drawn at random (seeded) from values that occur in the store, so every filter selects
something.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn

from dateline.serve import ServeConfig, create_app
from dateline.store import Store

PAGE_KINDS = ("page", "page_country", "page_country_dates", "page_subtype_year",
              "page_admin1", "page_actor", "page_bbox", "page_text", "page_deep")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Store) -> tuple[uvicorn.Server, str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, ServeConfig()), host="127.0.0.1",
                                           port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def samples(store: Store, rng: random.Random) -> dict[str, list]:
    """Values that occur in the store, to build realistic filters from."""
    q = store.query
    return {
        "countries": [r["country"] for r in q(
            "SELECT country, count(*) AS n FROM merged_events GROUP BY 1 ORDER BY 2 DESC")],
        "places": q("SELECT location, admin1, country, latitude, longitude FROM merged_events"
                    " USING SAMPLE 500 ROWS"),
        "ids": [r["id"] for r in q("SELECT id FROM merged_events USING SAMPLE 500 ROWS")],
        "subtypes": [r["sub_event_type"] for r in q(
            "SELECT DISTINCT sub_event_type FROM merged_events ORDER BY 1")],
        "actors": [r["actor1"].split(" (")[0].split(":")[0] for r in q(
            "SELECT actor1 FROM merged_events USING SAMPLE 300 ROWS")],
        "range": [q("SELECT min(event_date) AS lo, max(event_date) AS hi"
                    " FROM merged_events")[0]],
    }


def make_requests(s: dict[str, list], rng: random.Random, client: httpx.Client
                  ) -> dict[str, Callable[[], tuple[str, dict]]]:
    lo, hi = s["range"][0]["lo"], s["range"][0]["hi"]
    days = (hi - lo).days

    def window(span: int) -> dict[str, str]:
        start = lo.toordinal() + rng.randrange(max(1, days - span))
        import datetime as dt

        return {"start": dt.date.fromordinal(start).isoformat(),
                "end": dt.date.fromordinal(start + span).isoformat()}

    def top_country() -> str:  # busy countries are drawn more often, as users would
        return s["countries"][min(int(rng.expovariate(0.15)), len(s["countries"]) - 1)]

    def deep() -> tuple[str, dict]:
        params = {"country": top_country(), "limit": 50}
        cursor = None
        for _ in range(5):  # the 6th page, reached as a user would, by cursor
            page = client.get("/api/events", params={**params, **(
                {"cursor": cursor} if cursor else {})}).json()
            cursor = page["next_cursor"]
        return "/api/events", {**params, "cursor": cursor}

    def place() -> dict:
        return rng.choice(s["places"])

    return {
        "page": lambda: ("/api/events", {"limit": 50}),
        "page_country": lambda: ("/api/events", {"country": top_country(), "limit": 50}),
        "page_country_dates": lambda: ("/api/events", {"country": top_country(),
                                                       **window(90), "limit": 50}),
        "page_subtype_year": lambda: ("/api/events", {
            "sub_event_type": rng.choice(s["subtypes"]), **window(365), "limit": 50}),
        "page_admin1": lambda: ("/api/events", {"admin1": place()["admin1"], "limit": 50}),
        "page_actor": lambda: ("/api/events", {"actor": rng.choice(s["actors"]), "limit": 50}),
        "page_bbox": lambda: ("/api/events", {"bbox": _box(place()), "limit": 50}),
        "page_text": lambda: ("/api/events", {"q": place()["location"], "limit": 50}),
        "page_deep": deep,
        "event": lambda: ("/api/events/" + rng.choice(s["ids"]), {}),
        "timeline": lambda: ("/api/timeline", {"country": top_country()}),
        "map": lambda: ("/api/map", {"country": top_country(), **window(30)}),
    }


def _box(p: dict) -> str:
    lat, lon = p["latitude"], p["longitude"]
    return f"{lon - 1:.3f},{max(-90, lat - 1):.3f},{lon + 1:.3f},{min(90, lat + 1):.3f}"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", help="store to serve (e.g. made by scripts/synth_events.py)")
    ap.add_argument("--requests", type=int, default=200, help="timed requests per kind")
    ap.add_argument("--warmup", type=int, default=10, help="untimed requests per kind")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="write the results here too")
    args = ap.parse_args()
    if not Path(args.db).exists():
        sys.exit(f"error: no store at {args.db}; make one with scripts/synth_events.py")
    rng = random.Random(args.seed)
    store = Store(args.db)
    n_events = store.query("SELECT count(*) AS n FROM merged_events")[0]["n"]
    server, base = start_server(store)
    results: dict[str, dict[str, float]] = {}
    all_pages: list[float] = []
    structured: list[float] = []  # every filter but free text, which has no index
    with httpx.Client(base_url=base, timeout=60) as client:
        kinds = make_requests(samples(store, rng), rng, client)
        for kind, make in kinds.items():
            times = []
            for i in range(args.warmup + args.requests):
                path, params = make()
                t0 = time.perf_counter()
                resp = client.get(path, params=params)
                elapsed = (time.perf_counter() - t0) * 1000
                if resp.status_code != 200:
                    sys.exit(f"error: {path} {params} -> {resp.status_code} {resp.text[:200]}")
                if i >= args.warmup:
                    times.append(elapsed)
            results[kind] = summary(times)
            if kind in PAGE_KINDS:
                all_pages += times
                structured += times if kind != "page_text" else []
            print(f"{kind:20s} " + "  ".join(f"{k} {v:7.1f}" for k, v in results[kind].items()),
                  flush=True)
    results["filtered_pages_without_text"] = summary(structured)
    results["all_filtered_pages"] = summary(all_pages)
    for name in ("filtered_pages_without_text", "all_filtered_pages"):
        print(f"{name.replace('_', ' '):28s} " + "  ".join(
            f"{k} {v:7.1f}" for k, v in results[name].items()))
    print(f"{n_events:,} merged events in {args.db}; {args.requests} timed requests per kind,"
          " milliseconds, one client, loopback HTTP")
    server.should_exit = True
    if args.json:
        Path(args.json).write_text(json.dumps({"events": n_events, "requests": args.requests,
                                               "ms": results}, indent=1))


def summary(times: list[float]) -> dict[str, float]:
    return {"p50": pct(times, 50), "p95": pct(times, 95), "p99": pct(times, 99),
            "mean": statistics.fmean(times)}


if __name__ == "__main__":
    main()
