"""The `dateline` command: thin over the library (ingest, pipeline, store, export, evaluate).

Each command lives in its own module and registers itself on `app` when imported.
"""

from __future__ import annotations

from . import (  # noqa: F401  (importing registers the commands)
    control,
    evaluate,
    explain,
    export,
    extract,
    serve,
)
from .app import app


def main() -> None:  # pragma: no cover
    app()


__all__ = ["app", "main"]
