"""`dateline eval` and `dateline version`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .. import __version__
from .app import app, err

EVAL_HELP = """
Score Dateline (or any engine's output) against gold files in GOLD_FORMAT.md.

Without `--pred`, runs the engine on the gold documents (with their `published` dates only).

Examples:

    dateline eval ../shared/seed/palmyra.gold.json

    dateline eval data/gold/dev.jsonl --json report.json

    dateline eval gold.jsonl --pred other_engine_output.jsonl

    dateline eval data/gold/typing_test.jsonl                  # sub-event typing, calibration

    dateline eval data/gold/typing_test.jsonl --classifier     # the classifier alone

    dateline eval data/gold/dev.jsonl --min-confidence 0.6     # precision over recall

A file of `{"text", "label"}` lines (the typing corpus format of `data/train/`) is scored as
classification: the engine's most confident event against the label (`none`: no event), with
weighted and macro F1, per-label scores, the most frequent confusions, the share of non-events
rejected, and calibration (expected calibration error: of events given 0.8, how many are right).
"""


@app.command("eval", help=EVAL_HELP)
def eval_(
    gold: Annotated[list[str], typer.Argument(metavar="GOLD...",
                                              help="Gold .jsonl/.jsonl.gz/.json")],
    pred: Annotated[str | None, typer.Option(help="Score this engine output instead")] = None,
    json_out: Annotated[str | None, typer.Option("--json", help="Write the full report here")
                        ] = None,
    min_confidence: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Leave out engine events less confident than this")] = 0.0,
    classifier: Annotated[bool, typer.Option(
        "--classifier", help="Score the event-typing classifier alone on each text (no parse, "
                             "no rules): for typing sets")] = False,
) -> None:
    from ..evaluate import evaluate

    for path in gold:
        if not Path(path).exists():
            err.print(f"[red]error[/red] gold file not found: {path}")
            raise typer.Exit(2)
    try:
        evaluate(gold, pred=pred, json_out=json_out, console=Console(),
                 min_confidence=min_confidence, classifier_only=classifier)
    except (ValueError, OSError) as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


@app.command()
def version() -> None:
    """Print Dateline's version."""
    typer.echo(__version__)
