"""The ingest stage: raw inputs (text, HTML, JSONL, directories, stdin) -> `Document`s.

- `readers`: files, directories and standard input, streamed, never raising;
- `documents`: one text, page or gold-format record -> one `Document`;
- `cleaner`: headline, dateline, agency, date, paragraphs and furniture of a plain-text story;
- `web`: article text and metadata from HTML (trafilatura);
- `lexicon`: the data files under `src/dateline/data/ingest/`.
"""

from __future__ import annotations

from .cleaner import Cleaned, clean
from .documents import (
    IngestError,
    document_from_html,
    document_from_record,
    document_from_text,
)
from .readers import read_inputs

__all__ = [
    "Cleaned",
    "IngestError",
    "clean",
    "document_from_html",
    "document_from_record",
    "document_from_text",
    "read_inputs",
]
