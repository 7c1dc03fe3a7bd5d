"""`dateline serve`: a JSON API and a web page over the store.

- `app`: the FastAPI app factory `create_app(db, config)` and its routes;
- `config`: `ServeConfig` (tokens, body size limit, map tiles);
- `models`: request and response shapes (the OpenAPI docs);
- `security`: body size limit, CSP and hardening headers, bearer tokens;
- `static/`: the page (plain HTML/JS/CSS, no build step) and its bundled libraries.
"""

from __future__ import annotations

from .app import create_app
from .config import ServeConfig

__all__ = ["ServeConfig", "create_app"]
