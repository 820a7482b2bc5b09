"""The package type-checks: ``mypy`` with the configuration of pyproject.toml (``strict = true``)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(sys.version_info < (3, 10), reason="the pinned mypy (2.4.1, the test extra) needs Python 3.10+")
def test_package_is_mypy_strict_clean() -> None:
    # No cache: a stale one from another mypy or Python must not decide the result.
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout, result.stdout
