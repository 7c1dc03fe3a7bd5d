"""Write a corpus of hostile documents, with good stories between them, into a directory.

    .venv/bin/python scripts/hostile_corpus.py /tmp/hostile            # 1,000 bad + 50 good
    .venv/bin/python scripts/hostile_corpus.py /tmp/h -n 100 --huge-mb 2  # the CI sample
    .venv/bin/dateline extract /tmp/hostile --db /tmp/hostile.duckdb -o /tmp/hostile.jsonl

Every category is generated in turn (n / categories of each): binary, empty, huge pages,
deeply nested HTML, invalid and mixed encodings, scripts and iframes, non-English text, absurd
dates and numbers, pathological lines, broken JSON/JSONL/WARC/feeds. Good stories are named
`good-*.txt`; `MANIFEST.tsv` lists every file with its category. `--scale` shrinks the
pathological inputs (the CI sample uses 0.05).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path

GOOD = ("Gunmen attack checkpoint near {town}\n\n{TOWN}, May {day}, 2023 (AFP) - Gunmen on "
        "motorbikes attacked an army checkpoint near {town} on Sunday, killing {n} soldiers, "
        "the army said. Residents said the attackers fled towards the border.\n\n"
        "The region has suffered repeated attacks by armed groups this year.")
TOWNS = ["Gao", "Kidal", "Mopti", "Djibo", "Niamey", "Diffa", "Maiduguri", "Goma", "Beni"]
NON_ENGLISH = [
    "مقتل خمسة جنود في هجوم على نقطة تفتيش قرب مدينة غاو، بحسب مصادر أمنية.",
    "武装分子周日袭击了边境附近的一个军事检查站，造成五名士兵死亡。",
    "Боевики атаковали блокпост недалеко от города, погибли пять военнослужащих.",
    "Des hommes armés ont attaqué un poste militaire près de Gao, tuant cinq soldats.",
    "Wanamgambo walishambulia kituo cha jeshi karibu na mji, na kuua askari watano.",
]


def good(rng: random.Random) -> str:
    town = rng.choice(TOWNS)
    return GOOD.format(town=town, TOWN=town.upper(), day=rng.randint(1, 28), n=rng.randint(2, 9))


def _binary(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    kind = i % 3
    data = rng.randbytes(rng.randint(1, 50_000))
    if kind == 1:
        data = b"\x89PNG\r\n\x1a\n" + data
    return (".html" if kind == 2 else ".txt"), data


def _empty(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    return [(".txt", b""), (".txt", b" \n\t\n  "), (".html", b"<html></html>"),
            (".html", b"<html><body><div></div></body></html>"), (".json", b"{}"),
            (".jsonl", b"\n\n\n")][i % 6]


def _huge(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    para = f"<p>{good(rng)}</p>".encode()
    body = para * (huge * 1024 * 1024 // len(para) + 1)
    if i % 3 == 1:  # one endless JSONL line
        return ".jsonl", json.dumps({"id": f"huge-{i}", "html": body.decode()}).encode()
    if i % 3 == 2:
        return ".txt", body.replace(b"<p>", b"").replace(b"</p>", b"\n\n")
    return ".html", b"<html><body>" + body + b"</body></html>"


def _nested(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    depth = _sized(rng.choice([1_000, 10_000, 100_000]))
    tag = rng.choice(["div", "span", "table", "b"])
    inner = f"<p>{good(rng)}</p>"
    return ".html", (f"<html><body>{f'<{tag}>' * depth}{inner}{f'</{tag}>' * (depth // 2)}"
                     ).encode()


def _encoding(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    text = good(rng) + " Café Señor naïve – “quotes”."
    choices = [text.encode("latin-1", "replace"), text.encode("utf-16-le"),
               text.encode("utf-8")[:57] + b"\xff\xfe\xc3" + text.encode("cp1252", "replace"),
               text.encode("utf-8") + "ünïcödé".encode("utf-32"),
               b'{"text": "bad \\ud800 surrogate \\udfff %d"}\n' % i,
               text.encode("shift_jis", "replace"), b"\xef\xbb\xbf" + text.encode("cp1252")]
    data = choices[i % len(choices)]
    return (".jsonl" if data.startswith(b'{"text"') else ".txt"), data


def _scripts(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    junk = "<script>" + "var a=1;" * rng.randint(10, 5000) + "</script>"
    page = (f"<html><head>{junk}<style>p{{color:red}}</style></head><body>"
            f"<iframe src='javascript:alert(1)'></iframe>{junk}<article><h1>Attack</h1>"
            f"<p onload='evil()'>{good(rng)}</p></article><script>document.write('"
            f"<p>Fake story: 9999 killed</p>')</script><object data='x.swf'></object>"
            f"<svg onload=alert(1)><script>while(1){{}}</script></svg></body></html>")
    return ".html", page.encode()


def _foreign(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    return ".txt", (rng.choice(NON_ENGLISH) + "\n\n" + rng.choice(NON_ENGLISH)).encode()


def _absurd(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    lines = [
        "On 31 February 99999, 10^100 people were killed in an attack on Gao.",
        f"Gunmen killed {'9' * rng.randint(20, 400)} civilians on March 45th, year -300.",
        "BAMAKO, Month 99, 0000 (Reuters) - An attack on 00/00/0000 killed -5 soldiers.",
        "Rebels killed one trillion billion million people on 1e308 in Kidal.",
        "Fighting on 2023-13-45T99:99 killed NaN and Infinity soldiers near Mopti.",
    ]
    return ".txt", (f"Absurd report\n\n{rng.choice(lines)}\n\n{rng.choice(lines)}").encode()


SCALE = 1.0  # shrinks the pathological sizes (set by `generate`)


def _sized(n: int) -> int:
    return max(int(n * SCALE), 10)


def _pathological(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    kind = i % 5
    if kind == 0:
        return ".txt", b"a" * _sized(rng.randint(100_000, 900_000))  # one endless word
    if kind == 1:
        return ".txt", b"\n" * _sized(200_000) + good(rng).encode()
    if kind == 2:  # capital words in a row: the dateline pattern's worst case
        return ".txt", (" ".join(["BAMAKO"] * _sized(20_000)) + " - attack").encode()
    if kind == 3:
        return ".txt", ("killed " * _sized(50_000)).encode()
    return ".txt", ("((((((((((" * _sized(20_000) + " - Reuters").encode()


def _broken_container(rng: random.Random, i: int, huge: int) -> tuple[str, bytes]:
    kind = i % 6
    if kind == 0:
        return ".jsonl", b'{"id": "x", "text": \n[1,2]\n"str"\n{"text": 5}\n{"nope": 1}\n'
    if kind == 1:
        return ".json", b'{"id": "y", "text": "unterminated'
    if kind == 2:
        return ".warc.gz", gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n" +
                                         rng.randbytes(500))
    if kind == 3:  # entity expansion ("billion laughs"): must not be expanded
        lol = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 9))
        return ".rss", (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{lol}]>'
                        f"<rss><channel><item><title>&l8;</title><description>&l8;"
                        f"</description></item></channel></rss>").encode()
    if kind == 4:
        return ".atom", b"<feed><entry><title>half an entry</title><content>" + b"<" * 1000
    return ".jsonl.gz", b"not gzip at all"


CATEGORIES: dict[str, Callable[[random.Random, int, int], tuple[str, bytes]]] = {
    "binary": _binary, "empty": _empty, "huge": _huge, "nested": _nested,
    "encoding": _encoding, "scripts": _scripts, "foreign": _foreign, "absurd": _absurd,
    "pathological": _pathological, "broken": _broken_container,
}


def generate(out: Path, n: int = 1000, good_every: int = 20, huge_mb: int = 50,
             huge_count: int = 3, seed: int = 7, scale: float = 1.0) -> dict[str, str]:
    """Write `n` bad files (every category in turn) and a good story after every
    `good_every` of them; returns file name -> category."""
    global SCALE
    SCALE = scale
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    names = list(CATEGORIES)
    huge_made = 0
    for i in range(n):
        category = names[i % len(names)]
        if category == "huge" and huge_made >= huge_count:
            category = "nested"  # a few 50 MB pages prove the point; more only fill the disk
        huge_made += category == "huge"
        suffix, data = CATEGORIES[category](rng, i // len(names), huge_mb)
        name = f"bad-{i:05d}-{category}{suffix}"
        (out / name).write_bytes(data)
        manifest[name] = category
        if good_every and i % good_every == good_every - 1:
            name = f"good-{i:05d}.txt"
            (out / name).write_text(good(rng), encoding="utf-8")
            manifest[name] = "good"
    # Not a suffix Dateline reads, so the manifest is not a document of the corpus.
    (out / "MANIFEST.tsv").write_text("".join(f"{k}\t{v}\n" for k, v in manifest.items()))
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="directory to write into (created)")
    parser.add_argument("-n", type=int, default=1000, help="bad documents (default 1000)")
    parser.add_argument("--good-every", type=int, default=20,
                        help="a good story after every N bad files (default 20)")
    parser.add_argument("--huge-mb", type=int, default=50, help="size of huge pages (MB)")
    parser.add_argument("--huge-count", type=int, default=3, help="how many huge pages")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size factor of the pathological inputs (default 1)")
    args = parser.parse_args()
    made = generate(args.out, args.n, args.good_every, args.huge_mb, args.huge_count,
                    args.seed, args.scale)
    bad = sum(1 for c in made.values() if c != "good")
    print(f"{bad} bad and {len(made) - bad} good documents in {args.out}")


if __name__ == "__main__":
    main()
