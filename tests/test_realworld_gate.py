"""Real-world gate: the plugin stays silent on PyMongo Async code that works.

For each package of the "correct" set of ``tests/data/realworld/manifest.json``, the test unpacks
its sdist (kept unmodified in ``tests/data/realworld/sdists``: no network) into a temporary
directory, runs flake8 (``--isolated --select=PMA``, with this plugin alone) over the package's
listed paths with the installed plugin, and fails on any finding that
``tests/realworld_allowlist.txt`` does not list with a reason. Allow-list entries that match no
finding any more are reported as STALE and fail too.
"""
from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Dict, List, NamedTuple, Tuple

import pytest

from flake8_alone import FLAKE8
from realworld import MANIFEST_NAME, packages, unpacked

ALLOWLIST = Path(__file__).resolve().parent / "realworld_allowlist.txt"
ALLOWLIST_NAME = "tests/realworld_allowlist.txt"

# `path:line:col: PMA123 message`, flake8's default format.
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>PMA\d{3}) (?P<message>.*)$")
# `package==version path:line:col CODE  # reason`; the part after CODE is checked separately.
ENTRY = re.compile(
    r"^(?P<package>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s=]+)\s+"
    r"(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+)\s+(?P<code>PMA\d{3})(?P<rest>.*)$"
)

Key = Tuple[str, str, str, int, int, str]  # normalized package, version, path, line, col, code


def _normalize(name: str) -> str:
    """PEP 503 name normalization, so `pydantic_mongo` and `Pydantic-Mongo` compare equal."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _clean_path(path: str) -> str:
    path = PurePosixPath(path.replace("\\", "/")).as_posix()
    while path.startswith("./"):
        path = path[2:]
    return path


class Entry(NamedTuple):
    lineno: int
    text: str
    key: Key
    reason: str


class Finding(NamedTuple):
    key: Key
    message: str


def _key(package: str, version: str, path: str, line, col, code: str) -> Key:
    return (_normalize(package), version, _clean_path(path), int(line), int(col), code)


def _parse_allowlist(text: str) -> Tuple[List[Entry], List[str]]:
    """The entries of the allow-list, and one message per malformed, reasonless or repeated line."""
    entries: List[Entry] = []
    errors: List[str] = []
    seen: Dict[Key, int] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{ALLOWLIST_NAME}:{lineno}"
        m = ENTRY.match(line)
        if not m:
            errors.append(f"{where}: not `package==version path:line:col CODE  # reason`: {line}")
            continue
        rest = m["rest"].strip()
        if not rest:
            errors.append(f"{where}: entry without a reason (add `  # why this finding is accepted`): {line}")
            continue
        if not rest.startswith("#"):
            errors.append(f"{where}: unexpected text after the code (the reason starts with `#`): {line}")
            continue
        reason = rest[1:].strip()
        if not reason:
            errors.append(f"{where}: entry with an empty reason: {line}")
            continue
        key = _key(m["package"], m["version"], m["path"], m["line"], m["col"], m["code"])
        if key in seen:
            errors.append(f"{where}: repeats the entry of line {seen[key]}: {line}")
            continue
        seen[key] = lineno
        entries.append(Entry(lineno, line.split("#", 1)[0].rstrip(), key, reason))
    return entries, errors


def _allowlist() -> Tuple[List[Entry], List[str]]:
    if not ALLOWLIST.exists():
        return [], [f"{ALLOWLIST_NAME} is missing"]
    return _parse_allowlist(ALLOWLIST.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _flake8_version() -> str:
    done = subprocess.run([*FLAKE8, "--version"], capture_output=True, text=True)
    return done.stdout + done.stderr


def _run_plugin(top: Path, package: str, version: str, paths: List[str]) -> List[Finding]:
    done = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", *paths],
                          cwd=top, capture_output=True, text=True)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (
        f"flake8 failed on {package}=={version} (exit {done.returncode}):\n{done.stderr[-3000:]}")
    findings, unparsed = [], []
    for line in done.stdout.splitlines():
        m = FINDING.match(line)
        if m:
            findings.append(Finding(_key(package, version, m["path"], m["line"], m["col"], m["code"]),
                                    m["message"]))
        elif line.strip():
            unparsed.append(line)
    assert not unparsed, f"flake8 printed lines that are not PMA findings on {package}=={version}:\n" + "\n".join(
        unparsed[:20])
    assert findings or done.returncode == 0, f"flake8 exited 1 without findings:\n{done.stderr[-3000:]}"
    return findings


def _format(package: str, version: str, key: Key) -> str:
    return f"{package}=={version} {key[2]}:{key[3]}:{key[4]} {key[5]}"


def test_allowlist_is_well_formed():
    """Every allow-list entry parses, is unique and has a non-empty reason."""
    _, errors = _allowlist()
    assert not errors, f"{ALLOWLIST_NAME} has bad lines:\n" + "\n".join(errors)


def test_allowlist_names_only_correct_set_packages():
    """An entry for a package (or version) that left the correct set is STALE."""
    known = {(_normalize(p["package"]), p["version"]) for p in packages("correct")}
    entries, _ = _allowlist()
    stale = [f"{ALLOWLIST_NAME}:{e.lineno}: STALE (not in the correct set of {MANIFEST_NAME}): {e.text}"
             for e in entries if e.key[:2] not in known]
    assert not stale, "\n".join(stale)


@pytest.mark.slow
@pytest.mark.parametrize("entry", packages("correct"), ids=lambda e: e["package"])
def test_correct_set_has_no_unlisted_findings(entry, tmp_path):
    package, version = entry["package"], entry["version"]
    allowed, errors = _allowlist()
    assert not errors, f"{ALLOWLIST_NAME} has bad lines:\n" + "\n".join(errors)
    assert "flake8-pymongo-async" in _flake8_version(), (
        f"the plugin is not installed for {sys.executable}: `pip install .` first\n{_flake8_version()}")

    top = unpacked(entry, tmp_path / "sdist")
    missing = [p for p in entry["paths"] if not (top / p).exists()]
    assert not missing, f"{package}=={version}'s sdist lacks the paths {missing} named in {MANIFEST_NAME}"

    findings = _run_plugin(top, package, version, entry["paths"])
    found = {f.key for f in findings}
    mine = [e for e in allowed if e.key[:2] == (_normalize(package), version)]
    listed = {e.key for e in mine}

    unexpected = [f for f in findings if f.key not in listed]
    stale = [e for e in mine if e.key not in found]
    report = []
    if unexpected:
        report.append(f"{len(unexpected)} finding(s) on {package}=={version} not in {ALLOWLIST_NAME}; fix each "
                      f"false positive, or add the line with a reason if it is a true positive:")
        report += [f"  {_format(package, version, f.key)}  # {f.message}" for f in unexpected]
    if stale:
        report.append(f"{len(stale)} STALE entry(ies) in {ALLOWLIST_NAME} match no finding any more; remove them:")
        report += [f"  {ALLOWLIST_NAME}:{e.lineno}: {e.text}" for e in stale]
    assert not report, "\n".join(report)
