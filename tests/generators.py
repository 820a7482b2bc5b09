"""The repository's generators (``scripts/``, outside the package), loaded for the tests."""
from __future__ import annotations

import runpy
from pathlib import Path
from types import ModuleType

GENERATE = Path(__file__).resolve().parent.parent / "scripts" / "generate.py"


def load_script(module_name: str) -> ModuleType:
    """``scripts/<module_name>.py`` as ``scripts/generate.py`` loads it."""
    load = runpy.run_path(str(GENERATE))["load"]
    module: ModuleType = load(module_name)
    return module
