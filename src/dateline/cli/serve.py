"""`dateline serve`: the API and the web page over a store."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from ._db import DB_HELP, open_store
from .app import app, err

SERVE_HELP = """
Serve the store: a web page (map, timeline, filters, table, each event with its sources)
at `/`, a JSON API under `/api` and its docs at `/api/docs`. Works offline.

Reads are open to anyone who can reach the port; set `--read-token` to close them. Adding
documents over HTTP (`POST /api/documents`) needs `--token`, and is off without one. Prefer
the environment variables for tokens: command lines are visible to other users.

Examples:

    dateline serve                            # dateline.duckdb, localhost:8000

    dateline serve --db events.duckdb --port 8080

    DATELINE_TOKEN=s3cret dateline serve --host 0.0.0.0    # ingest is on

    dateline serve --db postgresql://me@dbhost/dateline --read-token team-only

    dateline serve --tiles 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' \\
        --tile-attribution '© OpenStreetMap contributors'
"""


@app.command(help=SERVE_HELP)
def serve(
    db: Annotated[str, typer.Option(help=DB_HELP, envvar="DATELINE_DB")] = "dateline.duckdb",
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: all interfaces)")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    token: Annotated[str | None, typer.Option(
        help="Bearer token that allows POST /api/documents (default: ingest off)",
        envvar="DATELINE_TOKEN", show_default=False)] = None,
    read_token: Annotated[str | None, typer.Option(
        help="Bearer token required for every read (default: reads open)",
        envvar="DATELINE_READ_TOKEN", show_default=False)] = None,
    tiles: Annotated[str | None, typer.Option(
        help="Map tile URL template with {z}/{x}/{y} (default: country outlines only)",
        envvar="DATELINE_TILE_URL", show_default=False)] = None,
    tile_attribution: Annotated[str, typer.Option(
        help="Credit line shown for the tiles", envvar="DATELINE_TILE_ATTRIBUTION")] = "",
    max_body: Annotated[int, typer.Option(
        help="Largest request body accepted, in bytes", envvar="DATELINE_MAX_BODY", min=1)
    ] = 2_000_000,
) -> None:
    import uvicorn

    from ..serve import ServeConfig, create_app

    try:
        config = ServeConfig(ingest_token=token or None, read_token=read_token or None,
                             max_body_bytes=max_body, tile_url=tiles or None,
                             tile_attribution=tile_attribution)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tiles") from None
    _check_port(host, port)
    store = open_store(db)
    web = create_app(store, config)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    reads = "need a token" if read_token else "open"
    err.print(f"Serving {db} at http://{shown}:{port}/ (API docs: /api/docs); "
              f"ingest {'on' if token else 'off'}, reads {reads}. Ctrl+C stops.",
              highlight=False)
    try:
        uvicorn.run(web, host=host, port=port, log_level="warning")
    finally:
        store.close()


def _check_port(host: str, port: int) -> None:
    """A one-line error for a port in use or an address not on this machine, before the
    server starts (uvicorn would log a traceback-like block and exit)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc.strerror}",
                                     param_hint="--host/--port") from None
