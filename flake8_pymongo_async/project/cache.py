"""The on-disk cache of module summaries, shared by every process (flake8's workers, ``check -j``).

One JSON file per module and settings, named by a hash of both. An entry is used only when
everything it was made from still holds: the tool's version and code (``tool_build``), the shape of the summaries
(``serial.SCHEMA``), the settings that change summaries, the file's absolute path, size and
``mtime_ns`` (checked here), and the summaries of the modules it asked about (checked by the
index, ``Entry.deps``). Anything else (unreadable, truncated, not JSON, another tool's file, an
older version) is treated as absent and overwritten by the next store.

Writes are atomic: a temporary file in the cache directory, then ``os.replace``; concurrent writers
each replace the whole file, so a reader sees one complete entry or another. A run killed mid-write
leaves at most a ``.tmp-*`` file, which readers never open and the next process removes once it is
an hour old. A directory that cannot be created or written turns the disk cache off for the rest of
the process, silently: the cache only ever saves time.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .. import __version__
from ..defaults import PROG as TOOL
from ..settings import Settings
from . import serial

TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600.0
# A summary file larger than this is not read (a summary is a few KB; this is not ours).
MAX_ENTRY_BYTES = 16 * 1024 * 1024

ImportSpec = Tuple[int, str, Tuple[str, ...]]  # (level, module, names): see imports.import_specs


@dataclass(frozen=True)
class Entry:
    """What is known of one module file, as of (size, mtime_ns)."""

    size: int
    mtime_ns: int
    imports: Tuple[ImportSpec, ...]
    evidence: bool  # the module or one of its first-party imports mentions the driver
    deps: Mapping[str, str]  # what the walk asked about -> serial.fingerprint of the answer
    # serial.encode of the summary (None: unknown, no evidence or does not parse), decoded only
    # when a walk asks for it (``index.Record``); and its serial.fingerprint.
    summary_data: Any
    fingerprint: str


_build: Optional[str] = None


def tool_build() -> str:
    """The tool's version and a fingerprint of its own code (each module's size and mtime): the
    summaries a build makes depend on its code, and a changed install (or a development checkout
    being edited) keeps its version number. Computed once per process, from about a hundred stats."""
    global _build
    if _build is None:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        digest = hashlib.sha256()
        for folder, dirs, files in os.walk(package):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    try:
                        info = os.stat(path)
                    except OSError:
                        continue
                    digest.update(f"{os.path.relpath(path, package)}:{info.st_size}:{info.st_mtime_ns};".encode())
        _build = f"{__version__}+{digest.hexdigest()[:16]}"
    return _build


def settings_fingerprint(settings: Settings) -> str:
    text = json.dumps([sorted(settings.extra_factories), list(settings.source_roots)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class DiskCache:
    def __init__(self, directory: str, settings: Settings) -> None:
        self.directory = os.path.abspath(directory)
        self.settings_key = settings_fingerprint(settings)
        self.writable = True  # until a write fails
        self.cleaned = False

    def _file(self, path: str) -> str:
        digest = hashlib.sha256(f"{path}\0{self.settings_key}".encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.directory, digest[:32] + ".json")

    def load(self, path: str, size: int, mtime_ns: int) -> Optional[Entry]:
        """The entry of ``path`` if it was made from this very file (size, mtime) by this very tool."""
        try:
            with open(self._file(path), "rb") as handle:
                raw = handle.read(MAX_ENTRY_BYTES + 1)
            if len(raw) > MAX_ENTRY_BYTES:
                return None
            data = json.loads(raw.decode("utf-8"))
            if not (isinstance(data, dict) and data.get("tool") == TOOL and data.get("version") == tool_build()
                    and data.get("schema") == serial.SCHEMA and data.get("settings") == self.settings_key
                    and data.get("path") == path and data.get("size") == size
                    and data.get("mtime_ns") == mtime_ns):
                return None
            fingerprint = data["fingerprint"]
            if not isinstance(fingerprint, str):
                return None
            return Entry(size=size, mtime_ns=mtime_ns, imports=_imports(data["imports"]),
                         evidence=_bool(data["evidence"]), deps=_deps(data["deps"]),
                         summary_data=data["summary"], fingerprint=fingerprint)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None  # absent, unreadable, truncated, foreign or from another shape: not used

    def store(self, path: str, entry: Entry) -> None:
        if not self.writable:
            return
        data: Dict[str, Any] = {
            "tool": TOOL, "version": tool_build(), "schema": serial.SCHEMA, "settings": self.settings_key,
            "path": path, "size": entry.size, "mtime_ns": entry.mtime_ns,
            "imports": [[level, module, list(names)] for level, module, names in entry.imports],
            "evidence": entry.evidence, "deps": dict(entry.deps),
            "summary": entry.summary_data, "fingerprint": entry.fingerprint,
        }
        try:
            text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
        except (ValueError, RecursionError):
            return
        import tempfile  # only a process that writes an entry pays for it

        try:
            os.makedirs(self.directory, exist_ok=True)
            if not self.cleaned:
                self.cleaned = True
                self._remove_stale_temps()
            fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".json", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(text)
                os.replace(temp, self._file(path))
            except BaseException:
                _remove(temp)
                raise
        except OSError:
            self.writable = False  # read-only, full, gone: go on without writing

    def _remove_stale_temps(self) -> None:
        """``.tmp-*`` files an hour old: left by a process killed between write and rename."""
        now = time.time()
        try:
            names = [n for n in os.listdir(self.directory) if n.startswith(TEMP_PREFIX)]
        except OSError:
            return
        for name in names:
            temp = os.path.join(self.directory, name)
            try:
                if now - os.stat(temp).st_mtime > STALE_TEMP_SECONDS:
                    os.remove(temp)
            except OSError:
                pass  # another process removed it, or it is not ours to remove


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a boolean")
    return value


def _imports(value: Any) -> Tuple[ImportSpec, ...]:
    specs: List[ImportSpec] = []
    for level, module, names in value:
        if not (type(level) is int and isinstance(module, str) and all(isinstance(n, str) for n in names)):
            raise ValueError("bad import")
        specs.append((level, module, tuple(names)))
    return tuple(specs)


def _deps(value: Any) -> Dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("bad deps")
    return dict(value)
