"""The typing corpus and its test sets: well-formed, as large as issue 3 asks, kept apart from
each other, and the shipped model trained on the corpus as it is now."""

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from dateline.classify import MODEL_DIR
from dateline.records import SUB_TO_TYPE

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "data" / "train"
TESTS = sorted((ROOT / "data" / "gold").glob("typing_test*.jsonl"))
LABELS = set(SUB_TO_TYPE) | {"none"}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return [item for path in sorted(TRAIN.glob("*.jsonl")) for item in _read(path)]


@pytest.mark.parametrize("path", [*sorted(TRAIN.glob("*.jsonl")), *TESTS], ids=lambda p: p.name)
def test_every_line_is_a_labelled_text(path):
    for item in _read(path):
        assert {"text", "label", "style", "country"} <= set(item), item
        assert item["label"] in LABELS, item["label"]
        assert item["text"].strip()


def test_the_corpus_is_as_large_as_the_issue_asks(corpus):
    counts = Counter(item["label"] for item in corpus)
    assert len(corpus) >= 3000
    assert min(counts[label] for label in SUB_TO_TYPE) >= 80
    assert counts["none"] >= 600


def test_no_test_text_is_in_the_corpus(corpus):
    train = {_key(item["text"]) for item in corpus}
    for path in TESTS:
        leaked = [item["text"] for item in _read(path) if _key(item["text"]) in train]
        assert not leaked, f"{path.name}: {leaked[:3]}"


def test_test_styles_are_unlike_the_training_styles(corpus):
    train_styles = {item["style"] for item in corpus}
    for path in TESTS:
        assert not {item["style"] for item in _read(path)} & train_styles, path.name


@pytest.mark.skipif(not (MODEL_DIR / "model.json").exists(), reason="no trained model")
def test_the_shipped_model_was_trained_on_this_corpus():
    spec = importlib.util.spec_from_file_location("train", ROOT / "scripts" / "train_classifier.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["corpus_sha256_16"] == train.corpus_hash(train.load_corpus(TRAIN)), (
        "data/train changed since the model was trained: retrain with "
        "scripts/train_classifier.py")
