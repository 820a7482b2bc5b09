"""pytest configuration for the test suite."""
import sys
from pathlib import Path

# Fixture files are linted, never imported: they reference undefined names on purpose.
collect_ignore_glob = ["fixtures/*"]

# Make the package importable when pytest is run without `python -m` and without an install.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
