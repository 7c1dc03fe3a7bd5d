"""The actors stage and ACLED actor normalisation.

`normalize("Syrian troops", "SY", "Battles")` -> `Military Forces of Syria`; `actor_kind`
gives a phrase's ACLED inter code; `ActorsStage` codes every event's actors. Dictionaries live
in `dateline/data/actors/*.yaml`; add your own groups with `DATELINE_ACTORS` (see `lexicon`).
"""

from __future__ import annotations

from .lexicon import ENV_VAR, reload
from .normalize import actor_kind, normalize, normalize_all, read, split_allies
from .stage import ActorsStage, code_event, context_country

__all__ = ["ENV_VAR", "ActorsStage", "actor_kind", "code_event", "context_country", "normalize",
           "normalize_all", "read", "reload", "split_allies"]
