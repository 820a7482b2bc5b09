#!/usr/bin/env python
"""Regenerate what the repository generates from its own sources: one command for every generator.

    python scripts/generate.py                      # write everything
    python scripts/generate.py --check              # write nothing; exit 1 with a diff if anything is stale
    python scripts/generate.py [--check] api-tables # only flake8_pymongo_async/api/tables.py
    python scripts/generate.py [--check] docs       # only docs/rules/ and the README's rule table

Generators:
- ``api-tables`` (``generate_api_tables.py``): the API tables, introspected from the INSTALLED
  pymongo and motor (the test extra pins them, on Python 3.11+);
- ``docs`` (``generate_docs.py``): the rule pages and index, and the README's rule table.

The generators are development tools: they live here, outside the package, and the wheel does not
ship them.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, List, Optional

SCRIPTS = Path(__file__).resolve().parent
GENERATORS: Dict[str, str] = {"api-tables": "generate_api_tables", "docs": "generate_docs"}


def load(module_name: str) -> ModuleType:
    """The generator ``scripts/<module_name>.py``, loaded by path (``scripts`` is no package)."""
    spec = importlib.util.spec_from_file_location(module_name, SCRIPTS / f"{module_name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {SCRIPTS / module_name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/generate.py", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff if anything is out of date")
    parser.add_argument("generators", nargs="*", metavar="GENERATOR",
                        help=f"what to generate: {', '.join(GENERATORS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.generators if name not in GENERATORS]
    if unknown:
        parser.error(f"unknown generator {unknown[0]!r} (choose from {', '.join(GENERATORS)})")
    status = 0
    for name in args.generators or list(GENERATORS):
        status = max(status, int(load(GENERATORS[name]).main(["--check"] if args.check else [])))
    return status


if __name__ == "__main__":
    sys.exit(main())
