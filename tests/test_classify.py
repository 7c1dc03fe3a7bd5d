"""The shipped event-typing model: loads offline, returns calibrated distributions, and reads
plain cases the way an ACLED coder would. Its accuracy is measured by `dateline eval`
(data/gold/typing_test.jsonl), not here."""

import json
from pathlib import Path

import pytest

from dateline import classify
from dateline.records import SUB_TO_TYPE

pytestmark = pytest.mark.skipif(not classify.available(), reason="no trained model in the tree")


@pytest.fixture(scope="module")
def model():
    return classify.load()


def test_labels_are_the_taxonomy_and_none(model):
    assert set(model.labels) == set(SUB_TO_TYPE) | {"none"}


def test_distributions_sum_to_one_and_keep_input_order(model):
    texts = ["A suicide bomber blew himself up outside a mosque in Peshawar, killing 30.",
             "Heavy floods killed 40 people and displaced thousands in Bangladesh on Monday.",
             "Short."]
    preds = model.predict(texts, batch_size=2)  # batches are sorted by length inside
    assert len(preds) == 3
    for pred in preds:
        assert sum(pred.probs.values()) == pytest.approx(1.0, abs=1e-4)
        assert pred.confidence == max(pred.probs.values())
        assert pred.probs[pred.label] == pred.confidence
    assert preds[0].label == "Suicide bomb"
    assert preds[1].label == "none"


@pytest.mark.parametrize("text, label", [
    ("Russian jets carried out air strikes on the town of Maarat al-Numan, killing 9 civilians.",
     "Air/drone strike"),
    ("Hundreds of nurses marched peacefully through Accra to demand unpaid allowances.",
     "Peaceful protest"),
    ("Gunmen kidnapped 20 passengers from a bus on the Abuja-Kaduna highway on Sunday.",
     "Abduction/forced disappearance"),
    ("The striker scored twice as Arsenal crushed Chelsea 4-0 in the London derby.", "none"),
])
def test_plain_cases(model, text, label):
    assert model.predict([text])[0].label == label


def test_empty_batch(model):
    assert model.predict([]) == []


def test_missing_model_is_a_clear_error(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(classify, "MODEL_DIR", tmp_path)
    classify.load.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="scripts/train_classifier.py"):
            classify.load()
    finally:
        monkeypatch.undo()
        classify.load.cache_clear()


def test_metadata_records_how_it_was_trained():
    meta = json.loads((classify.MODEL_DIR / "model.json").read_text())
    assert meta["temperature"] > 0 and meta["corpus_sha256_16"]
    assert meta["heldout"]["n"] > 0


def test_a_sentences_reading_does_not_depend_on_its_neighbours(model):
    # The int8 model scales its activations per run: read together in a padded batch, a
    # sentence's probabilities would move with the other sentences of the batch.
    short = "Police arrested two men."
    long = ("Hundreds of protesters marched through the centre of the capital on Friday, "
            "chanting slogans against the new fuel prices, before dispersing peacefully.")
    alone = model.predict([short])[0].probs
    together = model.predict([long, short])[1].probs
    assert together == alone
    batched = model.predict([long, short], batch_size=2)[1].probs
    assert batched != alone  # what reading one sentence per run avoids
