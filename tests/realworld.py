"""The real-world packages the tests run on: ``tests/data/realworld`` (manifest and sdists), no network."""
from __future__ import annotations

import hashlib
import json
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Dict, Iterator, List

DATA = Path(__file__).resolve().parent / "data" / "realworld"
MANIFEST = DATA / "manifest.json"
SDISTS = DATA / "sdists"
MANIFEST_NAME = "tests/data/realworld/manifest.json"


def packages(kind: str) -> List[Dict[str, Any]]:
    """The manifest's entries of ``kind``: "correct" (working PyMongo Async code) or "motor"."""
    entries: List[Dict[str, Any]] = json.loads(MANIFEST.read_text(encoding="utf-8"))[kind]
    return entries


def sdist(entry: Dict[str, Any]) -> Path:
    """The entry's sdist, checked against the manifest's sha256."""
    path = SDISTS / entry["sdist"]
    assert path.is_file(), f"{MANIFEST_NAME}: {entry['package']}: {path} is missing"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == entry["sha256"], f"{path}: sha256 {digest}, the manifest says {entry['sha256']}"
    return path


def _safe_members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """For Pythons without tarfile's "data" filter: only files and directories, inside the target."""
    for member in archive.getmembers():
        parts = PurePosixPath(member.name).parts
        if member.name.startswith(("/", "\\")) or ".." in parts or not (member.isfile() or member.isdir()):
            continue
        yield member


def extract(archive: Path, into: Path) -> Path:
    """Unpack ``archive`` into the new directory ``into``; the sdist's top-level directory."""
    into.mkdir(parents=True)
    if archive.name.lower().endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(into)  # zipfile itself drops absolute paths and `..` components
    else:
        with tarfile.open(archive) as t:
            if hasattr(tarfile, "data_filter"):
                t.extractall(into, filter="data")
            else:
                t.extractall(into, members=_safe_members(t))
    tops = list(into.iterdir())
    return tops[0] if len(tops) == 1 and tops[0].is_dir() else into


def unpacked(entry: Dict[str, Any], into: Path) -> Path:
    """The entry's package, unpacked from its sdist into ``into``."""
    return extract(sdist(entry), into)
