"""Fill a DuckDB store with synthetic merged events, for load tests of `dateline serve`.

    python scripts/synth_events.py /tmp/synth.duckdb --events 1000000

Writes through the store's own schema (migrations applied by `Store`): `merged_events`, the
per-document records in `events`, `merged_members` linking them, and one short `documents`
article per record whose sentence holds the evidence spans the event view highlights.

The distributions are shaped like ACLED's data, not copied from it: events concentrate in a
few dozen countries (weighted roughly by ACLED's yearly counts), in their larger towns (real
GeoNames towns with their admin1 names, from the engine's gazetteer), grow over 2018-2025,
and split over event types by country (protests dominate in India, shelling in Ukraine).
Most events have one source; some have up to six, each with its own agency, publication day
and fatality figure (the merged event keeps the lowest, as ACLED does).

Rows are generated as numpy arrays and bulk-loaded with DuckDB `INSERT ... SELECT` from Arrow
tables, never row by row: a million events take about a minute on two cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

# country -> relative weight (events per year, roughly ACLED's order of magnitude)
COUNTRIES = {
    "UA": 16, "SY": 9, "MX": 7, "IN": 7, "PK": 5, "NG": 5, "BR": 5, "MM": 5, "SD": 4,
    "CD": 4, "YE": 4, "PS": 4, "AF": 3, "IQ": 3, "SO": 3, "ML": 3, "BF": 3, "ET": 3, "CO": 3,
    "US": 3, "LB": 2, "LY": 2, "CM": 2, "PH": 2, "BD": 2, "KE": 2, "FR": 1, "IR": 1, "TR": 1,
    "VE": 1, "HT": 1, "NE": 1, "MZ": 1, "CF": 1, "SS": 1,
}
# event type -> (global weight, sub-event types with weights, mean fatalities)
TYPES = {
    "Protests": (34, {"Peaceful protest": 90, "Protest with intervention": 8,
                      "Excessive force against protesters": 2}, 0.02),
    "Battles": (18, {"Armed clash": 92, "Government regains territory": 4,
                     "Non-state actor overtakes territory": 4}, 3.0),
    "Explosions/Remote violence": (20, {
        "Shelling/artillery/missile attack": 55, "Air/drone strike": 30,
        "Remote explosive/landmine/IED": 11, "Grenade": 2, "Suicide bomb": 1.5,
        "Chemical weapon": 0.5}, 1.5),
    "Violence against civilians": (14, {"Attack": 80, "Abduction/forced disappearance": 17,
                                        "Sexual violence": 3}, 1.0),
    "Riots": (7, {"Violent demonstration": 60, "Mob violence": 40}, 0.2),
    "Strategic developments": (7, {
        "Looting/property destruction": 30, "Arrests": 25, "Change to group/activity": 15,
        "Disrupted weapons use": 10, "Other": 8, "Agreement": 6,
        "Headquarters or base established": 4, "Non-violent transfer of territory": 2}, 0.0),
}
# countries where one type is much more common than elsewhere
TILT = {"UA": "Explosions/Remote violence", "SY": "Explosions/Remote violence",
        "IN": "Protests", "US": "Protests", "FR": "Protests", "BR": "Violence against civilians",
        "MX": "Violence against civilians", "MM": "Battles", "SD": "Battles", "BD": "Riots"}
GROUPS = {
    "UA": "Military Forces of Russia", "SY": "HTS: Hayat Tahrir al Sham", "SO": "Al Shabaab",
    "NG": "Boko Haram", "MM": "PDF: People's Defense Force", "SD": "RSF: Rapid Support Forces",
    "ML": "JNIM: Group for Support of Islam and Muslims", "BF": "JNIM: Group for Support of "
    "Islam and Muslims", "MX": "Sinaloa Cartel", "CD": "M23: March 23 Movement",
    "CO": "ELN: National Liberation Army", "YE": "Ansar Allah (Houthis)",
    "AF": "Islamic State Khorasan Province", "IQ": "Islamic State", "PS": "Hamas",
    "PK": "TTP: Tehreek-i-Taliban Pakistan", "ET": "Fano Militia", "CM": "Ambazonian Separatists",
}
VERBS = {
    "Peaceful protest": "rallied against", "Protest with intervention": "protested, dispersed by",
    "Excessive force against protesters": "protested and were fired on by",
    "Armed clash": "clashed with", "Government regains territory": "retook territory from",
    "Non-state actor overtakes territory": "seized territory from",
    "Shelling/artillery/missile attack": "shelled positions of", "Air/drone strike":
    "carried out a drone strike on", "Remote explosive/landmine/IED": "detonated an IED "
    "targeting", "Grenade": "threw a grenade at", "Suicide bomb": "sent a suicide bomber "
    "against", "Chemical weapon": "used chemical weapons on", "Attack": "attacked",
    "Abduction/forced disappearance": "abducted", "Sexual violence": "sexually assaulted",
    "Violent demonstration": "rioted against", "Mob violence": "attacked, as a mob,",
    "Looting/property destruction": "looted property of", "Arrests": "arrested",
    "Change to group/activity": "announced changes affecting", "Disrupted weapons use":
    "defused explosives planted by", "Other": "confronted", "Agreement": "reached a deal with",
    "Headquarters or base established": "set up a base near",
    "Non-violent transfer of territory": "handed territory over to",
}
NO_DEATHS = {"Peaceful protest", "Protest with intervention", "Arrests", "Agreement"}
AGENCIES = ["Reuters", "AFP", "AP", "Xinhua", "Anadolu", "BBC Monitoring", "Local media",
            "Al Jazeera", "The Guardian", "Kyiv Independent"]
START, END = dt.date(2018, 1, 1), dt.date(2025, 12, 31)


def country_names() -> dict[str, str]:
    from dateline import countries

    return {cc: countries.name(cc) for cc in COUNTRIES}


def towns(per_country: int = 300) -> pa.Table:
    """The larger towns of each country, with their share of that country's events."""
    from dateline.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    c, s = gaz.columns, gaz.strings
    rows: dict[str, list] = {k: [] for k in ("cc", "name", "admin1", "gid", "lat", "lon", "w")}
    for cc in COUNTRIES:
        code = s.index(cc) if cc in s else -1
        idx = np.flatnonzero((c["feat"] == 0) & (c["cc"] == code) & (c["a1"] >= 0))
        idx = idx[np.argsort(-c["pop"][idx])][:per_country]
        if len(idx) == 0:
            raise SystemExit(f"no towns for {cc} in the gazetteer")
        pop = c["pop"][idx].astype(float)
        weight = np.maximum(pop, 1000) ** 0.7  # big towns get more events, not all of them
        for i, w in zip(idx, weight / weight.sum(), strict=True):
            rows["cc"].append(cc)
            rows["name"].append(s[c["name"][i]])
            rows["admin1"].append(s[c["a1"][i]])
            rows["gid"].append(int(c["gid"][i]))
            rows["lat"].append(float(c["lat"][i]))
            rows["lon"].append(float(c["lon"][i]))
            rows["w"].append(float(w) * COUNTRIES[cc])
    rows["idx"] = list(range(len(rows["cc"])))
    return pa.table(rows)


def event_arrays(n: int, town_table: pa.Table, rng: np.random.Generator) -> pa.Table:
    """One row per merged event: town, date, type, sub-type, actors, fatalities, sources."""
    w = np.asarray(town_table["w"])
    town = rng.choice(len(w), size=n, p=w / w.sum())
    cc = np.asarray(town_table["cc"])[town]
    # Dates: more events in later years (ACLED's coverage grows), uniform within a year.
    span = (END - START).days + 1
    u = rng.random(n) ** 0.8
    day = np.minimum((u * span).astype(np.int64), span - 1)
    types = list(TYPES)
    base = np.array([TYPES[t][0] for t in types], float)
    etype = np.empty(n, np.int64)
    for code in np.unique(cc):
        mask = cc == code
        p = base.copy()
        if code in TILT:
            p[types.index(TILT[code])] *= 3
        etype[mask] = rng.choice(len(types), size=int(mask.sum()), p=p / p.sum())
    sub = np.empty(n, object)
    deaths = np.zeros(n, np.int64)
    for i, t in enumerate(types):
        mask = etype == i
        subs = TYPES[t][1]
        names = list(subs)
        p = np.array([subs[k] for k in names], float)
        sub[mask] = np.array(names, object)[rng.choice(len(names), int(mask.sum()), p=p / p.sum())]
        mean = TYPES[t][2]
        if mean > 0:  # most events kill no one or few; a long tail kills many
            deaths[mask] = np.where(rng.random(int(mask.sum())) < min(0.9, mean / 2 + 0.05),
                                    rng.geometric(1 / (1 + mean), int(mask.sum())), 0)
    deaths[np.isin(sub, list(NO_DEATHS))] = 0
    n_sources = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[.70, .17, .07, .03, .02, .01])
    return pa.table({
        "n": np.arange(n), "town": town, "day": day, "etype": np.array(types, object)[etype],
        "sub": sub, "deaths": deaths, "n_sources": n_sources,
        "confidence": np.round(0.5 + 0.45 * rng.random(n), 3),
        "group_actor": rng.random(n) < 0.55,
    })


def record_arrays(events: pa.Table, rng: np.random.Generator) -> pa.Table:
    """One row per (event, source): each source reports a day or two later, with its own
    agency and, sometimes, a higher death toll."""
    reps = np.asarray(events["n_sources"])
    n = np.repeat(np.asarray(events["n"]), reps)
    k = np.concatenate([np.arange(r) for r in reps]) if len(reps) else np.array([], int)
    deaths = np.repeat(np.asarray(events["deaths"]), reps)
    extra = np.where(k > 0, rng.poisson(0.6, len(n)), 0) * (deaths > 0)
    return pa.table({"n": n, "k": k, "lag": rng.choice([0, 1, 1, 2], size=len(n)),
                     "agency": rng.choice(len(AGENCIES), size=len(n)),
                     "deaths": deaths + extra})


def load(db: str, n: int, seed: int) -> dict[str, int]:
    from dateline.store import Store

    rng = np.random.default_rng(seed)
    towns_t = towns()
    names = country_names()
    ev = event_arrays(n, towns_t, rng)
    rec = record_arrays(ev, rng)
    lookup = pa.table({
        "cc": list(names), "cname": list(names.values()),
        "grp": [GROUPS.get(cc) for cc in names]})
    verbs = pa.table({"sub": list(VERBS), "verb": list(VERBS.values())})
    agencies = pa.table({"agency": list(range(len(AGENCIES))), "aname": AGENCIES})
    store = Store(db, merge=False)
    con = store.con
    for name, table in (("syn_towns", towns_t), ("syn_ev", ev), ("syn_rec", rec),
                        ("syn_country", lookup), ("syn_verbs", verbs),
                        ("syn_agency", agencies)):
        con.register(name, table)
    con.execute(_BASE_VIEW.replace("{start}", START.isoformat()))
    con.execute("BEGIN TRANSACTION")
    con.execute(_INSERT_MERGED)
    con.execute(_RECORD_VIEW)
    con.execute(_INSERT_DOCUMENTS)
    con.execute(_INSERT_RECORDS)
    con.execute(_INSERT_MEMBERS)
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    counts = store.counts()
    store.close()
    return counts


# The actors of an event follow from its type and country (ACLED's generic actor names, or the
# country's best-known armed group about half the time).
_BASE_VIEW = """
CREATE OR REPLACE TEMP VIEW syn_base AS
SELECT e.n, e.sub, e.etype, e.deaths, e.n_sources, e.confidence,
       DATE '{start}' + CAST(e.day AS INTEGER) AS event_date,
       t.cc, t.name AS location, t.admin1, t.gid, t.lat, t.lon, c.cname,
       CASE WHEN e.etype IN ('Protests') THEN 'Protesters (' || c.cname || ')'
            WHEN e.etype = 'Riots' THEN 'Rioters (' || c.cname || ')'
            WHEN e.group_actor AND c.grp IS NOT NULL THEN c.grp
            WHEN e.etype = 'Violence against civilians'
              THEN 'Unidentified Armed Group (' || c.cname || ')'
            ELSE 'Military Forces of ' || c.cname END AS actor1,
       CASE WHEN e.etype IN ('Protests', 'Riots') THEN 'Police Forces of ' || c.cname
            WHEN e.etype = 'Violence against civilians' THEN 'Civilians (' || c.cname || ')'
            WHEN e.group_actor AND c.grp IS NOT NULL THEN 'Military Forces of ' || c.cname
            ELSE 'Unidentified Armed Group (' || c.cname || ')' END AS actor2,
       v.verb
FROM syn_ev e JOIN syn_towns t ON t.idx = e.town
JOIN syn_country c ON c.cc = t.cc JOIN syn_verbs v ON v.sub = e.sub
"""

_INSERT_MERGED = """
INSERT INTO merged_events (id, event_date, time_precision, event_type, sub_event_type,
    actor1, actor1_country, assoc_actor_1, inter1, actor2, actor2_country, assoc_actor_2, inter2,
    country, admin1, admin2, location, geonameid, latitude, longitude, geo_precision,
    fatalities, n_sources, n_records, sources, confidence, notes, first_reported, last_reported)
SELECT 'ev-syn' || lpad(CAST(n AS VARCHAR), 7, '0') || '-0', event_date, 1, etype, sub,
    actor1, cc, '', CASE WHEN actor1 LIKE 'Military%' THEN 1 WHEN actor1 LIKE 'Protesters%'
    THEN 6 WHEN actor1 LIKE 'Rioters%' THEN 5 ELSE 2 END, actor2, cc, '',
    CASE WHEN actor2 LIKE 'Civilians%' THEN 7 WHEN actor2 LIKE 'Police%' THEN 1 ELSE 3 END,
    cc, admin1, NULL, location, gid, lat, lon, 1, deaths, n_sources, n_sources, 'Synthetic',
    confidence, actor1 || ' ' || verb || ' ' || actor2 || ' in ' || location || ', ' || admin1
    || '.', event_date, event_date + 2
FROM syn_base ORDER BY event_date, n
"""

_RECORD_VIEW = """
CREATE OR REPLACE TEMP VIEW syn_records AS
SELECT b.*, r.k, r.lag, r.deaths AS rdeaths, a.aname,
    'syn-' || lpad(CAST(b.n AS VARCHAR), 7, '0') || '-' || CAST(r.k AS VARCHAR) AS doc_id,
    'syn' || lpad(CAST(b.n AS VARCHAR), 7, '0') || '-' || CAST(r.k AS VARCHAR) AS record_id,
    upper(b.location) || ' (' || a.aname || ') - ' AS lead,
    b.actor1 || ' ' || b.verb || ' ' || b.actor2 || ' in ' || b.location || ', ' || b.admin1
      || ' on ' || strftime(b.event_date, '%B %-d') ||
      CASE WHEN r.deaths = 1 THEN ', killing one person'
           WHEN r.deaths > 1 THEN ', killing ' || CAST(r.deaths AS VARCHAR) || ' people'
           ELSE '' END || '.' AS sentence
FROM syn_rec r JOIN syn_base b ON b.n = r.n JOIN syn_agency a ON a.agency = r.agency
"""

_INSERT_DOCUMENTS = """
INSERT INTO documents (id, content_hash, url, title, published, published_source, outlet,
    agency, dateline, text, errors, n_events)
SELECT doc_id, md5(doc_id), 'https://news.example.org/' || doc_id,
    sub || ' in ' || location, event_date + CAST(lag AS INTEGER), 'given', aname, aname,
    upper(location),
    sub || ' in ' || location || chr(10) || chr(10) || lead || sentence ||
      ' Officials gave no further details.', '[]', 1
FROM syn_records
"""

# Evidence offsets point into the document text: title, two newlines, the lead, then the
# sentence, whose parts are found by their lengths (DuckDB counts characters, as Python does).
_INSERT_RECORDS = """
INSERT INTO events (id, document_id, event_date, time_precision, event_type, sub_event_type,
    status, actor1, actor1_country, inter1, assoc_actor_1, actor2, actor2_country, inter2,
    assoc_actor_2, country, admin1, admin2, location, geonameid, latitude, longitude,
    geo_precision, fatalities, confidence, sentence, evidence)
SELECT record_id, doc_id, event_date, 1, etype, sub, 'new', actor1, cc, NULL, '', actor2, cc,
    NULL, '', cc, admin1, NULL, location, gid, lat, lon, 1, rdeaths, confidence, sentence,
    json_object(
      'actor1', json_object('start', s, 'end', s + length(actor1), 'text', actor1,
                            'confidence', 0.9),
      'sub_event_type', json_object('start', s + length(actor1) + 1,
                                    'end', s + length(actor1) + 1 + length(verb),
                                    'text', verb, 'confidence', 0.8),
      'actor2', json_object('start', s + length(actor1) + length(verb) + 2,
                            'end', s + length(actor1) + length(verb) + 2 + length(actor2),
                            'text', actor2, 'confidence', 0.8),
      'location', json_object('start', s + length(actor1) + length(verb) + length(actor2) + 6,
                              'end', s + length(actor1) + length(verb) + length(actor2) + 6
                                     + length(location),
                              'text', location, 'confidence', 0.9))::VARCHAR
FROM (SELECT *, length(sub || ' in ' || location) + 2 + length(lead) AS s FROM syn_records)
"""

_INSERT_MEMBERS = """
INSERT INTO merged_members (record_id, merged_id, document_id, score, reasons)
SELECT record_id, 'ev-syn' || lpad(CAST(n AS VARCHAR), 7, '0') || '-0', doc_id,
    CASE WHEN k = 0 THEN 1.0 ELSE 0.8 END,
    CASE WHEN k = 0 THEN '{"founded": "synthetic event"}'
         ELSE '{"synthetic": "same event, another source"}' END
FROM syn_records
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", help="DuckDB file to create")
    ap.add_argument("--events", type=int, default=1_000_000, help="merged events to make")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--force", action="store_true", help="replace an existing file")
    args = ap.parse_args()
    path = Path(args.db)
    if path.exists():
        if not args.force:
            sys.exit(f"error: {path} exists; pass --force to replace it")
        path.unlink()
        Path(str(path) + ".wal").unlink(missing_ok=True)
    if args.events < 1:
        sys.exit("error: --events must be at least 1")
    started = time.perf_counter()
    counts = load(str(path), args.events, args.seed)
    print(f"{path}: {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
