"""The repository passes its own flake8 configuration (with this plugin loaded): a self-clean check."""
import subprocess
from pathlib import Path

from flake8_alone import FLAKE8

ROOT = Path(__file__).resolve().parent.parent


def test_repository_is_flake8_clean():
    result = subprocess.run([*FLAKE8, "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
