"""Take the README's screenshot of the web page (docs/screenshot.png) in headless Chromium.

    python scripts/screenshot.py                       # over 20,000 synthetic events
    python scripts/screenshot.py --db dateline.duckdb --country Syria --out shot.png

Serves the store (by default a temporary one filled by scripts/synth_events.py), opens the
page, applies the filters given, opens the newest matching event with its sources and saves
a PNG. Needs Debian's chromium and chromium-driver, and selenium (the dev extra).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from dateline.serve import ServeConfig, create_app
from dateline.serve.browser import apply_filters, chromium, missing_browser, serving, wait_ready
from dateline.store import Store

ROOT = Path(__file__).resolve().parents[1]


def synthetic_store(folder: str, events: int) -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    import synth_events

    path = str(Path(folder) / "synthetic.duckdb")
    synth_events.load(path, events, seed=5)
    return path


def shoot(db: str, out: Path, filters: dict[str, str], width: int, height: int) -> None:
    store = Store(db)
    try:
        with serving(create_app(store, ServeConfig())) as base, \
                chromium(width, height) as driver:
            driver.get(base + "/")
            wait_ready(driver)
            apply_filters(driver, filters)
            rows = driver.find_elements("css selector", "#events tbody tr")
            if not rows:
                sys.exit("error: no event matches these filters")
            # An event reported by several sources shows merging at work.
            multi = [r for r in rows
                     if int(r.find_elements("css selector", "td")[-1].text or 1) > 1]
            (multi or rows)[0].click()
            WebDriverWait(driver, 20).until(
                lambda d: d.find_elements("css selector", "#ev-sources li"))
            driver.execute_script("window.scrollTo(0, 0)")
            out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(out))
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="store to show (default: 20,000 synthetic events)")
    ap.add_argument("--events", type=int, default=20_000, help="synthetic events to make")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    ap.add_argument("--country", default="Ukraine")
    ap.add_argument("--event-type", default="Explosions/Remote violence")
    ap.add_argument("--size", default="1600x900", help="window size, WIDTHxHEIGHT")
    args = ap.parse_args()
    if (why := missing_browser()) is not None:
        sys.exit(f"error: {why}")
    width, height = (int(v) for v in args.size.lower().split("x"))
    filters = {k: v for k, v in (("country", args.country),
                                 ("event_type", args.event_type)) if v}
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or synthetic_store(folder, args.events)
        shoot(db, Path(args.out), filters, width, height)
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
