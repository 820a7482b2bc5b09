"""Real-world gate (issue 7): the plugin stays silent on PyMongo Async code that works.

For each package of the "correct" set of ``../shared/corpus/public.json`` (next to the repository),
the test fetches its sdist from the package registry with pip into a cache (default
``~/.cache/pma-realworld``, or ``$PMA_REALWORLD_CACHE``; ``sdists/`` inside it, the layout that
``../shared/tools/realworld`` uses), unpacks it into a temporary directory, runs
``python -m flake8 --isolated --select=PMA`` over the package's listed paths with the installed
plugin, and fails on any finding that ``tests/realworld_allowlist.txt`` does not list with a reason.
Allow-list entries that match no finding any more are reported as STALE and fail too.

The sdist is downloaded only when the cache lacks it; without network and without a cached copy,
the package's test is skipped with pip's reason. Without ``../shared`` the gate is skipped.
"""
from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Dict, List, NamedTuple, Optional, Tuple

import pytest

from flake8_alone import FLAKE8

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT.parent / "shared" / "corpus" / "public.json"
ALLOWLIST = Path(__file__).resolve().parent / "realworld_allowlist.txt"
ALLOWLIST_NAME = "tests/realworld_allowlist.txt"
NO_MANIFEST = f"{MANIFEST} not found: the real-world gate needs ../shared (the shared corpus) beside the repository"

# `path:line:col: PMA123 message`, flake8's default format.
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>PMA\d{3}) (?P<message>.*)$")
# `package==version path:line:col CODE  # reason`; the part after CODE is checked separately.
ENTRY = re.compile(
    r"^(?P<package>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s=]+)\s+"
    r"(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+)\s+(?P<code>PMA\d{3})(?P<rest>.*)$"
)
ARCHIVE_SUFFIXES = r"(?:tar\.gz|tgz|tar\.bz2|tar\.xz|zip)"

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


def _correct_set() -> Optional[list]:
    if not MANIFEST.is_file():
        return None
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["correct"]


def _cache_root() -> Path:
    configured = os.environ.get("PMA_REALWORLD_CACHE")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "pma-realworld"


def _sdist_in(directory: Path, name: str, version: str) -> Optional[Path]:
    """The sdist of name==version in directory, whatever separators and case its file name uses."""
    if not directory.is_dir():
        return None
    stem = "[-_.]+".join(re.escape(part) for part in re.split(r"[-_.]+", name))
    pattern = re.compile(rf"^{stem}-{re.escape(version)}\.{ARCHIVE_SUFFIXES}$", re.IGNORECASE)
    hits = sorted(p for p in directory.iterdir() if p.is_file() and pattern.match(p.name))
    return hits[0] if hits else None


def _fetch_sdist(name: str, version: str) -> Path:
    """The cached sdist of name==version, downloaded with pip first if the cache lacks it."""
    sdists = _cache_root() / "sdists"
    cached = _sdist_in(sdists, name, version)
    if cached:
        return cached
    sdists.mkdir(parents=True, exist_ok=True)
    why = "pip found no sdist"
    # Download into a scratch directory inside the cache and move the archive in once complete, so an
    # interrupted run never leaves a truncated file that a later run would take for the sdist.
    with tempfile.TemporaryDirectory(prefix=".download-", dir=sdists) as scratch:
        # `--no-binary :all:` first (the sdist even where wheels exist); if building metadata then
        # fails because build dependencies must come from source too, restrict it to the package.
        for no_binary in (":all:", name):
            command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                       "--no-deps", "--no-binary", no_binary, f"{name}=={version}", "--dest", scratch]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=900)
            except subprocess.TimeoutExpired:
                why = "pip download timed out"
                continue
            got = _sdist_in(Path(scratch), name, version)
            if got:
                target = sdists / got.name
                os.replace(got, target)
                return target
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            why = " / ".join(tail) or f"pip exited {done.returncode}"
    pytest.skip(f"cannot download the sdist of {name}=={version} into {sdists} (no network?): {why}")


def _safe_members(archive: tarfile.TarFile):
    """For Pythons without tarfile's "data" filter: only files and directories, inside the target."""
    for member in archive.getmembers():
        parts = PurePosixPath(member.name).parts
        if member.name.startswith(("/", "\\")) or ".." in parts or not (member.isfile() or member.isdir()):
            continue
        yield member


def _extract(archive: Path, into: Path) -> Path:
    """Unpack archive into the empty directory into; the sdist's top-level directory."""
    into.mkdir(parents=True)
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                z.extractall(into)  # zipfile itself drops absolute paths and `..` components
        else:
            with tarfile.open(archive) as t:
                if hasattr(tarfile, "data_filter"):
                    t.extractall(into, filter="data")
                else:
                    t.extractall(into, members=_safe_members(t))
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        pytest.fail(f"cannot unpack {archive} ({exc}): delete it so that the next run downloads it again")
    tops = list(into.iterdir())
    return tops[0] if len(tops) == 1 and tops[0].is_dir() else into


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
    packages = _correct_set()
    if packages is None:
        pytest.skip(NO_MANIFEST)
    known = {(_normalize(p["package"]), p["version"]) for p in packages}
    entries, _ = _allowlist()
    stale = [f"{ALLOWLIST_NAME}:{e.lineno}: STALE (not in the correct set of {MANIFEST.name}): {e.text}"
             for e in entries if e.key[:2] not in known]
    assert not stale, "\n".join(stale)


_PACKAGES = _correct_set()


@pytest.mark.slow
@pytest.mark.parametrize(
    "entry",
    [pytest.param(p, id=p["package"]) for p in _PACKAGES] if _PACKAGES is not None
    else [pytest.param(None, id="no-shared-corpus")],
)
def test_correct_set_has_no_unlisted_findings(entry, tmp_path):
    if entry is None:
        pytest.skip(NO_MANIFEST)
    package, version = entry["package"], entry["version"]
    allowed, errors = _allowlist()
    assert not errors, f"{ALLOWLIST_NAME} has bad lines:\n" + "\n".join(errors)
    assert "flake8-pymongo-async" in _flake8_version(), (
        f"the plugin is not installed for {sys.executable}: `pip install .` first\n{_flake8_version()}")

    top = _extract(_fetch_sdist(package, version), tmp_path / "sdist")
    missing = [p for p in entry["paths"] if not (top / p).exists()]
    assert not missing, f"{package}=={version}'s sdist lacks the paths {missing} named in {MANIFEST}"

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
