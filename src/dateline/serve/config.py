"""Settings of `dateline serve`: who may read, who may write, how much a request may carry."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_MAX_BODY = 2_000_000  # bytes; a long article is ~50 KB, a batch of them fits easily
MAX_PAGE = 500  # rows per page of events or documents


@dataclass(frozen=True)
class ServeConfig:
    """`ingest_token` enables POST /api/documents (no token: ingest is off). `read_token`, when
    set, closes every read route to requests without it. `tile_url` is a `{z}/{x}/{y}` tile
    template for the map; without one the page draws the bundled country outlines only."""

    ingest_token: str | None = None
    read_token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY
    tile_url: str | None = None
    tile_attribution: str = ""

    def __post_init__(self) -> None:
        if self.max_body_bytes <= 0:
            raise ValueError("the body size limit must be a positive number of bytes")
        if self.tile_url is not None:
            parts = urlsplit(self.tile_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"tile URL {self.tile_url!r} must be an http(s) URL like "
                                 "https://tile.example.org/{z}/{x}/{y}.png")
            if "{z}" not in self.tile_url or "{x}" not in self.tile_url:
                raise ValueError(f"tile URL {self.tile_url!r} needs {{z}}, {{x}} and {{y}}")

    @property
    def tile_origin(self) -> str | None:
        """scheme://host of the tile server, the only outside origin the page may load from.
        Leaflet's `{s}` subdomain placeholder becomes a wildcard, as CSP allows."""
        if not self.tile_url:
            return None
        parts = urlsplit(self.tile_url)
        return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
