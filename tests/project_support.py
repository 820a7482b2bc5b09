"""What the project-index tests share: writing a small project, and its database module."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict

DB = """\
from pymongo import AsyncMongoClient
client = AsyncMongoClient()
db = client.app
def get_db():
    return db
"""


def write(root: Path, files: Dict[str, str]) -> Path:
    """Write each ``relative name -> text`` under ``root`` (dedented), making folders; ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
