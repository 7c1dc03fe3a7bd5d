import sys
from pathlib import Path

# Let tests import helpers from sibling test modules (e.g. `from test_store import _doc`).
sys.path.insert(0, str(Path(__file__).parent))
