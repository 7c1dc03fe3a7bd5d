"""The Dask engine on a local cluster gives the same documents as a local run."""

from __future__ import annotations

import pytest
from test_batch import story
from typer.testing import CliRunner

from dateline.batch import LocalEngine
from dateline.cli import app
from dateline.distributed import DaskEngine
from dateline.records import Document


def stories(n: int) -> list[Document]:
    return [Document(id=s["id"], text=s["text"]) for s in map(story, range(n))]


def test_dask_local_cluster_matches_a_local_run():
    local = list(LocalEngine(workers=0).code(stories(6)))
    dask = list(DaskEngine(workers=1, chunk=2).code(stories(6)))
    assert [d.id for d in dask] == [d.id for d in local]
    assert [d.model_dump(exclude={"nlp"}) for d in dask] == \
        [d.model_dump(exclude={"nlp"}) for d in local]
    assert any(d.events for d in dask)


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    story_file = tmp_path / "s.txt"
    story_file.write_text(story(1)["text"])
    result = CliRunner().invoke(app, ["extract", str(story_file), "--db", "none", "--engine",
                                      "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["--engine", "spark"], "choose local or dask"),
    (["--scheduler", "tcp://127.0.0.1:9"], "needs --engine dask"),
])
def test_bad_engine_options(tmp_path, args, message):
    result = CliRunner().invoke(app, ["extract", "x.txt", "--db", "none", *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
