"""No dead code: every module-level and class-level name of the package, the generators and the
benchmark is used somewhere in the repository (vulture), unless it is listed below with its reason."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict, List

from flake8_pymongo_async.semantic.events import Event

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("flake8_pymongo_async", "scripts", "bench")
# What is read only by the tests still counts as used (a hook the tests observe is not dead).
USERS = ("tests",)
NOT_SCANNED = "tests/fixtures,tests/golden"  # deliberately broken Motor code, linted, never run

# Names used by something vulture cannot see, each with who uses it.
USED_FROM_OUTSIDE: Dict[str, str] = {
    "on_*": "rule handlers, called by the semantic model by event name",
    "*Family": "rule families, found in the rules package by rules.registry",
    "_s_*": "the semantic model's statement handlers, dispatched by node type name",
    "add_options": "flake8's plugin API",
    "description": "argparse.ArgumentParser.description, read by argparse",
    **{event.name: "an event of the semantic model, subscribed to by its on_<event> handler name"
       for event in Event},
    "PYMONGO_VERSION": "generated: the pymongo release the API tables were introspected from",
    "MOTOR_VERSION": "generated: the motor release the API tables were introspected from",
    "driver_kind": "a field of semantic.summary.ValueSummary, the module summary other modules' analysis reads",
}


def _vulture(*paths: str) -> List[str]:
    result = subprocess.run(
        [sys.executable, "-m", "vulture", *paths, "--exclude", NOT_SCANNED, "--min-confidence", "60",
         "--ignore-names", ",".join(USED_FROM_OUTSIDE)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode in (0, 3), result.stdout + result.stderr  # 3: dead code found
    return result.stdout.splitlines()


def test_no_dead_code() -> None:
    found = [line for line in _vulture(*CHECKED, *USERS) if line.startswith(CHECKED)]
    assert not found, "unused code (remove it, or list it in USED_FROM_OUTSIDE with its user):\n" + "\n".join(found)


def test_the_check_finds_dead_code(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("def used():\n    return 1\n\n\ndef unused():\n    return used()\n\n\n"
                      "def branch():\n    return 1\n    print('never')\n", encoding="utf-8")
    found = "\n".join(_vulture(str(module)))
    assert "unused function 'unused'" in found and "unreachable code after 'return'" in found, found
    assert "'used'" not in found
