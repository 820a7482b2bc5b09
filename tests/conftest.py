"""pytest configuration for the test suite."""
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

# The cache of module summaries goes to a directory of this run, never the user's ~/.cache; the
# commands and flake8 run by the tests inherit it.
_CACHE_HOME = tempfile.mkdtemp(prefix="pma-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, True)

# Fixture files are linted, never imported: they reference undefined names on purpose.
collect_ignore_glob = ["fixtures/*"]

# Make the package importable when pytest is run without `python -m` and without an install.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
