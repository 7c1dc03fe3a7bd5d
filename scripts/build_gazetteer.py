"""Build the places gazetteer index once (e.g. at install or in CI) so runs load it fast.

Usage: python scripts/build_gazetteer.py [--force]
Writes to the cache directory (`$DATELINE_CACHE`, else `~/.cache/dateline/`).
"""

from __future__ import annotations

import argparse
import time

from dateline.places.gazetteer import build, cache_path, save


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="rebuild even if the index exists")
    args = ap.parse_args()
    path = cache_path()
    if path.exists() and not args.force:
        print(f"up to date: {path}")
        return
    t0 = time.perf_counter()
    gaz = build()
    save(gaz, path)
    print(f"built {len(gaz):,} entries, {len(gaz.exact):,} names in "
          f"{time.perf_counter() - t0:.1f} s -> {path}")


if __name__ == "__main__":
    main()
