"""The FastAPI app behind `dateline serve`: the JSON API under /api, the web page at /.

Reads are open unless a read token is configured; ingesting needs the ingest token (and is off
without one). One store connection serves every request, behind a lock: neither a DuckDB nor a
psycopg connection may be used by two threads at once, and a query here takes milliseconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import countries
from ..records import EVENT_TYPES, SUB_TO_TYPE
from ..store import Store, queries
from .config import MAX_PAGE, ServeConfig
from .models import EventDetail, EventPage, IngestRequest, IngestResponse, IngestResult
from .security import BodySizeLimit, SecurityHeaders, check_token

STATIC = Path(str(resources.files("dateline.serve").joinpath("static")))

API_DESCRIPTION = """
Merged conflict events (one row per real event, with every source that reports it), the
documents they were coded from, places and their territorial control, counts over time.

Reads are open unless the server was started with a read token; then, like ingesting, they
need `Authorization: Bearer TOKEN`. Pages of events are keyset-paginated: pass a page's
`next_cursor` back as `cursor`.
"""


class Served:
    """What every request shares: the store, its lock, the settings and (once loaded) the
    pipeline that codes ingested documents."""

    def __init__(self, store: Store, config: ServeConfig) -> None:
        self.store, self.config = store, config
        self.lock = threading.Lock()
        self._pipeline: Any = None
        self._pipeline_lock = threading.Lock()

    @contextmanager
    def db(self) -> Iterator[Store]:
        with self.lock:
            yield self.store

    def pipeline(self) -> Any:
        """Loaded on the first ingest, not at start: reading needs no spaCy model."""
        with self._pipeline_lock:
            if self._pipeline is None:
                from ..pipeline import Pipeline

                self._pipeline = Pipeline()
            return self._pipeline


def create_app(db: str | Path | Store, config: ServeConfig | None = None) -> FastAPI:
    """The app over a store (a DuckDB path, a postgresql:// URL or an open `Store`)."""
    config = config or ServeConfig()
    store = db if isinstance(db, Store) else Store(str(db))
    served = Served(store, config)
    app = FastAPI(title="Dateline", description=API_DESCRIPTION, version=_version(),
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.served = served
    app.include_router(_read_routes(served))
    app.include_router(_write_routes(served))
    _page_routes(app)
    app.add_middleware(BodySizeLimit, limit=config.max_body_bytes)
    app.add_middleware(SecurityHeaders, tile_origin=config.tile_origin)

    @app.exception_handler(queries.QueryError)
    async def _bad_query(request: Request, exc: queries.QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dateline")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


# ---- filters -------------------------------------------------------------------------------

def _countries(value: str | None) -> list[str]:
    """ISO codes or names ("SY", "Syria", "Democratic Republic of Congo"), comma-separated."""
    codes = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        code = part.upper() if len(part) == 2 and part.isalpha() else countries.lookup(part)
        if code is None:
            raise queries.QueryError(f"unknown country {part!r}: give an ISO code (SY) or a "
                                     "name (Syria)")
        codes.append(code)
    return codes


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise queries.QueryError(f"bbox {value!r}: give west,south,east,north in degrees, "
                                 "e.g. 35.5,32.0,42.5,37.5") from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise queries.QueryError(f"bbox {value!r}: latitudes within -90..90 (south <= north),"
                                 " longitudes within -180..180")
    return west, south, east, north


def event_filter(
    start: Annotated[dt.date | None, Query(description="first event date, YYYY-MM-DD")] = None,
    end: Annotated[dt.date | None, Query(description="last event date, YYYY-MM-DD")] = None,
    country: Annotated[str | None, Query(
        description="ISO codes or names, comma-separated: `SY,IQ` or `Syria`")] = None,
    admin1: Annotated[str | None, Query(description="first-level region, e.g. Homs")] = None,
    event_type: Annotated[str | None, Query(description="ACLED event type")] = None,
    sub_event_type: Annotated[str | None, Query(description="ACLED sub-event type")] = None,
    actor: Annotated[str | None, Query(description="part of any actor's name")] = None,
    bbox: Annotated[str | None, Query(description="west,south,east,north")] = None,
    q: Annotated[str | None, Query(description="text in the notes, place or actors")] = None,
) -> queries.EventFilter:
    if start and end and start > end:
        raise queries.QueryError(f"start {start} is after end {end}")
    if event_type and event_type not in EVENT_TYPES:
        raise queries.QueryError(f"unknown event_type {event_type!r}; one of: "
                                 + ", ".join(EVENT_TYPES))
    if sub_event_type and sub_event_type not in SUB_TO_TYPE:
        raise queries.QueryError(f"unknown sub_event_type {sub_event_type!r}; one of: "
                                 + ", ".join(SUB_TO_TYPE))
    return queries.EventFilter(
        start=start, end=end, countries=_countries(country), admin1=admin1 or None,
        event_type=event_type or None, sub_event_type=sub_event_type or None,
        actor=actor or None, bbox=_bbox(bbox), text=q or None)


Filter = Annotated[queries.EventFilter, Depends(event_filter)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="rows per page")]


# ---- routes --------------------------------------------------------------------------------

def _read_routes(served: Served) -> APIRouter:
    def require_read(request: Request) -> None:
        if served.config.read_token:
            check_token(request, served.config.read_token, "reading")

    api = APIRouter(prefix="/api", dependencies=[Depends(require_read)])

    @api.get("/events", response_model=EventPage, tags=["events"])
    def list_events(flt: Filter, limit: Limit = 50, cursor: str | None = None) -> Any:
        """Merged events matching every filter given, newest first."""
        with served.db() as store:
            return queries.events_page(store, flt, limit, cursor)

    @api.get("/events/{event_id}", response_model=EventDetail, tags=["events"])
    def get_event(event_id: str) -> Any:
        """One merged event with each source document's record, the reporting sentence and
        the evidence span of every field (offsets into the sentence and the document)."""
        with served.db() as store:
            event = queries.event_detail(store, event_id)
        if event is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return event

    @api.get("/timeline", tags=["events"])
    def timeline(flt: Filter, interval: Annotated[str, Query(
            description="auto | day | week | month | year")] = "auto") -> dict[str, Any]:
        """Events and fatalities per period and event type (for a chart of counts)."""
        with served.db() as store:
            return queries.timeline_counts(store, flt, interval)

    @api.get("/map", tags=["events"])
    def map_points(flt: Filter, limit: Annotated[int, Query(ge=1, le=10000)] = 2000
                   ) -> dict[str, Any]:
        """Located events as points `[id, lat, lon, event_type, fatalities]`, or, over
        `limit`, counts per half-degree cell `[lat, lon, events, fatalities]`."""
        with served.db() as store:
            return queries.map_points(store, flt, limit)

    @api.get("/documents", tags=["documents"])
    def list_documents(q: str | None = None, limit: Limit = 50, cursor: str | None = None
                       ) -> dict[str, Any]:
        """Stored documents by id; `q` matches the title, url or id."""
        with served.db() as store:
            return queries.documents_page(store, q, limit, cursor)

    @api.get("/documents/{doc_id:path}", tags=["documents"])
    def get_document(doc_id: str) -> dict[str, Any]:
        """A document's text (untrusted: display it as text), records and places."""
        with served.db() as store:
            doc = queries.document_detail(store, doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return doc

    @api.get("/places", tags=["places"])
    def list_places(q: str | None = None, country: str | None = None, limit: Limit = 50
                    ) -> list[dict[str, Any]]:
        """Places with events, most events first; `q` matches the place name."""
        codes = _countries(country)
        with served.db() as store:
            return queries.places(store, q, codes[0] if codes else None, limit)

    @api.get("/places/{place}/control", tags=["places"])
    def control(place: Annotated[str, PathParam(description="place name or GeoNames id")],
                country: Annotated[str | None, Query(
                    description="only the place of that name in this country")] = None
                ) -> dict[str, Any]:
        """Who held the place from when, from territory-change events (with their ids)."""
        from .. import control as control_mod

        codes = _countries(country)
        with served.db() as store:
            periods = control_mod.timeline(store, place, codes[0] if codes else None)
        return {"place": place, "periods": [queries._clean(p) for p in periods]}

    @api.get("/config", tags=["meta"])
    def page_config() -> dict[str, Any]:
        """What the web page needs: event types, map tiles, whether ingest is on."""
        return {"event_types": EVENT_TYPES, "tile_url": served.config.tile_url,
                "tile_attribution": served.config.tile_attribution,
                "ingest": served.config.ingest_token is not None, "max_page": MAX_PAGE}

    return api


def _write_routes(served: Served) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["documents"])

    @api.post("/documents", response_model=IngestResponse)
    def ingest(body: IngestRequest, request: Request) -> Any:
        """Code documents and store them (merging their events); needs the ingest token.
        Up to 100 documents per request, within the server's body size limit."""
        if served.config.ingest_token is None:
            raise HTTPException(403, "ingest is off: start the server with --token")
        check_token(request, served.config.ingest_token, "ingest")
        return {"results": _ingest(served, body)}

    return api


def _ingest(served: Served, body: IngestRequest) -> list[IngestResult]:
    from ..ingest import IngestError, document_from_record
    from ..ingest.documents import error_document

    docs = []
    for i, item in enumerate(body.documents):
        record = item.model_dump(exclude_none=True)
        record.setdefault("id", "api-" + hashlib.sha256(
            (item.text or item.html or "").encode("utf-8", "replace")).hexdigest()[:16])
        try:
            docs.append(document_from_record(record, f"api-{i}"))
        except IngestError as exc:
            docs.append(error_document(record["id"], str(exc)))
    results = []
    for doc in served.pipeline().pipe(docs):
        stored = False
        if not doc.errors:
            try:
                with served.db() as store:
                    stored = store.save(doc)
            except Exception as exc:  # one document that cannot be stored is its own error
                doc.errors.append(f"store: {type(exc).__name__}: {exc}".splitlines()[0])
        with served.db() as store:
            merged = [r["merged_id"] for r in store.query(
                "SELECT DISTINCT merged_id FROM merged_members WHERE document_id = ?"
                " ORDER BY merged_id", [doc.id])]
        results.append(IngestResult(id=doc.id, stored=stored, events=len(doc.events),
                                    merged_ids=merged, errors=doc.errors))
    return results


def _page_routes(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html")
