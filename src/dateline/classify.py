"""The event-typing classifier: a sentence in, a calibrated probability per ACLED sub-event type
(and for "none", no event) out.

The model is all-MiniLM-L6-v2 fine-tuned on Dateline's own corpus (`data/train/`, retrained by
`scripts/train_classifier.py`), exported to ONNX and quantised to int8, so inference needs only
onnxruntime and the Hugging Face `tokenizers` library: no torch, no download. It ships in the
package under `data/models/typing/` with its labels and the temperature that calibrates it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).parent / "data" / "models" / "typing"
NONE = "none"


@dataclass(frozen=True)
class Prediction:
    label: str                 # the most likely sub-event type, or "none"
    confidence: float          # calibrated probability of `label`
    probs: dict[str, float]    # every label's calibrated probability

    @property
    def p_event(self) -> float:
        return 1.0 - self.probs.get(NONE, 0.0)


class Classifier:
    """Loads once per process; `predict` takes a batch of texts (batched for speed)."""

    def __init__(self, model_dir: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
        self.labels: list[str] = meta["labels"]
        self.temperature: float = float(meta["temperature"])
        self.max_length: int = int(meta["max_length"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        # One thread per process: Dateline parallelises across documents, not inside a model.
        options.intra_op_num_threads = int(os.environ.get("DATELINE_CLASSIFIER_THREADS", "1"))
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_dir / "model.onnx"), options,
                                            providers=["CPUExecutionProvider"])

    def logits(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        (out,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return out

    def predict(self, texts: list[str], batch_size: int = 1) -> list[Prediction]:
        # One text a run by default: on a CPU the padding of a batch costs more than batching
        # saves (the sentences of an article: 6.8 ms a sentence alone, 9.6 in one batch; all of
        # 191 articles' sentences sorted by length, in batches of 16: 6.9). Sorting by length
        # keeps padding small inside a batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        results: dict[int, Prediction] = {}
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            probs = softmax(self.logits([texts[i] for i in idx]) / self.temperature)
            for i, row in zip(idx, probs, strict=True):
                results[i] = self._prediction(row)
        return [results[i] for i in range(len(texts))]

    def _prediction(self, row: np.ndarray) -> Prediction:
        best = int(row.argmax())
        return Prediction(self.labels[best], float(row[best]),
                          {label: float(p) for label, p in zip(self.labels, row, strict=True)})


def softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def available(model_dir: Path | None = None) -> bool:
    model_dir = model_dir or MODEL_DIR
    return (model_dir / "model.onnx").exists() and (model_dir / "model.json").exists()


@lru_cache(maxsize=1)
def load() -> Classifier:
    """The shipped model, loaded once per process."""
    if not available(MODEL_DIR):
        raise RuntimeError(f"the typing model is missing from {MODEL_DIR}; "
                           "retrain it with scripts/train_classifier.py")
    return Classifier(MODEL_DIR)
