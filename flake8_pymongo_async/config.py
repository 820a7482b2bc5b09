"""``[tool.flake8-pymongo-async]`` in ``pyproject.toml``, and flake8's select/ignore decision.

The standalone command reads its configuration from the nearest ``pyproject.toml`` that has the
table (searched from the common directory of the checked paths upwards)::

    [tool.flake8-pymongo-async]
    select = ["PMA"]                      # code prefixes to report (default: every PMA code)
    ignore = ["PMA107"]                   # code prefixes not to report
    per-file-ignores = { "tests/*" = ["PMA201"], "legacy/*.py" = "PMA1,PMA2" }
    extend-exclude = ["generated", "migrations/*.py"]   # skipped while walking directories
    extra-factories = ["collection:app.db.get_users"]   # as --pma-extra-factories
    max-file-size = 10                    # megabytes; larger files are not checked (0: no limit)
    source-roots = ["src", "lib"]         # as --pma-source-roots, relative to this file
    cache-dir = ".cache/pma"              # as --pma-cache-dir, relative to this file
    no-cache = false                      # as --pma-no-cache

select, ignore and per-file-ignores mean exactly what flake8's options of the same name mean (the
longest matching prefix wins, a tie is ignored; only the most specific per-file-ignores pattern
applies), so a project configured for ``flake8 --select=PMA`` gets the same findings from
``flake8-pymongo-async check``. Patterns containing a ``/`` are relative to the directory of the
``pyproject.toml`` (flake8 takes them relative to the current directory); other patterns match a
file's basename.

Every bad value raises ``ConfigError`` with a one-line message naming the file, the key and the
value; the command prints it and exits 2.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from .defaults import matches_filename
from .filesize import DEFAULT_MAX_FILE_SIZE, parse_max_file_size
from .settings import Settings, parse_extra_factories, parse_source_roots

TABLE = "flake8-pymongo-async"
SECTION = f"[tool.{TABLE}]"
KEYS = ("select", "ignore", "per-file-ignores", "extend-exclude", "extra-factories", "max-file-size",
        "source-roots", "cache-dir", "no-cache")

# flake8's own rule for codes and code prefixes (flake8.defaults.VALID_CODE_PREFIX).
VALID_CODE_PREFIX = re.compile(r"^[A-Z]{1,3}[0-9]{0,3}$", re.ASCII)
# What flake8 selects when nothing is configured: its plugins' entry points; ours is PMA.
DEFAULT_SELECT = ("PMA",)

# A quick textual test for the table, so that a pyproject.toml without it is never parsed (on
# Python < 3.11 without tomli, parsing is impossible and must not be an error for such a file).
_TABLE_MENTION = re.compile(
    r"""^\s*(?:\[\s*tool\s*\.\s*(?P<q1>["']?)flake8-pymongo-async(?P=q1)\s*[\].]"""
    r"""|(?:tool\s*\.\s*)?(?P<q2>["']?)flake8-pymongo-async(?P=q2)\s*(?:\.\s*[\w"'-]+\s*)?=)""",
    re.MULTILINE,
)


class ConfigError(ValueError):
    """A bad configuration value; ``str()`` is one line meant for the user."""


# --- select / ignore -------------------------------------------------------------------------------


def parse_codes(values: Any, where: str) -> Tuple[str, ...]:
    """A list of codes or code prefixes, from a TOML list or a comma/space separated string."""
    if isinstance(values, str):
        items: List[Any] = re.split(r"[,\s]+", values)
    elif isinstance(values, (list, tuple)):
        items = list(values)
    else:
        raise ConfigError(f"{where}: expected a list of codes such as [\"PMA101\", \"PMA2\"], "
                          f"got {_toml_type(values)}")
    codes: List[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: expected codes as strings, got {item!r}")
        code = item.strip()
        if not code:
            continue
        if not VALID_CODE_PREFIX.match(code):
            raise ConfigError(
                f"{where}: {code!r} is not a code or code prefix "
                f"(expected uppercase letters and up to 3 digits, e.g. PMA101 or PMA2)"
            )
        codes.append(code)
    return tuple(codes)


@dataclass(frozen=True)
class Selection:
    """Which codes are reported, decided exactly as flake8's ``DecisionEngine`` decides.

    ``select`` is None when nothing was configured (then every PMA code is selected implicitly).
    ``per_file_ignores`` holds (pattern, codes) with patterns already normalized; the longest
    pattern matching a file adds its codes to ``ignore`` for that file.
    """

    select: Optional[Tuple[str, ...]] = None
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

    def extra_ignore_for(self, filename: str) -> Tuple[str, ...]:
        best: Optional[Tuple[str, Tuple[str, ...]]] = None
        for pattern, codes in self.per_file_ignores:
            if matches_filename(filename, (pattern,)) and (best is None or len(pattern) > len(best[0])):
                best = (pattern, codes)
        return best[1] if best else ()

    def is_selected(self, code: str, extra_ignore: Sequence[str] = ()) -> bool:
        explicitly_selected = tuple(self.select or ())
        selected = tuple(self.select) if self.select is not None else DEFAULT_SELECT
        ignored = tuple(self.ignore) + tuple(extra_ignore)
        if not (selected and code.startswith(selected)):
            return False  # in no select list: flake8's Ignored.Implicitly, whatever ignore says
        if not (ignored and code.startswith(ignored)):
            return True
        if not (explicitly_selected and code.startswith(explicitly_selected)):
            return False  # implicitly selected, explicitly ignored
        # In both lists: the longest matching prefix wins, and a tie is ignored.
        longest_select = max((s for s in selected if code.startswith(s)), key=len)
        longest_ignore = max((i for i in ignored if code.startswith(i)), key=len)
        return len(longest_select) > len(longest_ignore)


# --- paths -----------------------------------------------------------------------------------------


def normalize_pattern(pattern: str, parent: str) -> str:
    """flake8's ``normalize_path``: a pattern containing a separator becomes absolute under ``parent``."""
    separator = os.path.sep
    alternate = os.path.altsep or ""
    if pattern == "." or separator in pattern or (alternate and alternate in pattern):
        pattern = os.path.abspath(os.path.join(parent, pattern))
    return pattern.rstrip(separator + alternate)


# --- the file --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    path: Optional[Path] = None  # the pyproject.toml read; None means defaults
    select: Optional[Tuple[str, ...]] = None
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    extend_exclude: Tuple[str, ...] = ()
    extra_factories: FrozenSet[str] = field(default_factory=frozenset)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; 0 means no limit
    source_roots: Tuple[str, ...] = ()  # absolute directories
    cache_dir: Optional[str] = None  # absolute; None: the default cache directory
    no_cache: bool = False

    def settings(self) -> Settings:
        return Settings(extra_factories=self.extra_factories, source_roots=self.source_roots)


def mentions_table(text: str) -> bool:
    return bool(_TABLE_MENTION.search(text))


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest ``pyproject.toml`` at or above ``start`` that has ``[tool.flake8-pymongo-async]``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            continue
        if mentions_table(text) and _table(candidate, text) is not None:
            return candidate
    return None


def load(path: Path) -> Config:
    """Read and validate the table of ``path`` (defaults when the file has no such table)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {_reason(exc)}") from None
    table = _table(path, text) if mentions_table(text) else None
    if table is None:
        return Config(path=path)
    return _from_table(path, table)


def _toml_loads(path: Path, text: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.9 / 3.10 only
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError(
                f"{path}: reading {SECTION} needs Python 3.11+ or the 'tomli' package "
                f"(pip install tomli)"
            ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # the parser recurses once per nested array or inline table
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply to read") from None


def _table(path: Path, text: str) -> Optional[Dict[str, Any]]:
    data = _toml_loads(path, text)
    tool = data.get("tool")
    if not isinstance(tool, dict) or TABLE not in tool:
        return None
    table = tool[TABLE]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {SECTION} must be a table, got {_toml_type(table)}")
    return table


def _from_table(path: Path, table: Dict[str, Any]) -> Config:
    where = f"{path}: {SECTION}"
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known keys: {', '.join(KEYS)})")
    parent = str(path.parent)

    select = parse_codes(table["select"], f"{where} select") if "select" in table else None
    ignore = parse_codes(table.get("ignore", []), f"{where} ignore")

    per_file: List[Tuple[str, Tuple[str, ...]]] = []
    raw = table.get("per-file-ignores", {})
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{where} per-file-ignores: expected a table of glob = codes, such as "
            f"{{ \"tests/*\" = [\"PMA201\"] }}, got {_toml_type(raw)}"
        )
    for pattern, codes in raw.items():
        if not pattern.strip():
            raise ConfigError(f"{where} per-file-ignores: empty file pattern")
        per_file.append((normalize_pattern(pattern.strip(), parent),
                         parse_codes(codes, f"{where} per-file-ignores {pattern!r}")))

    exclude = table.get("extend-exclude", [])
    if isinstance(exclude, str):
        exclude = [p for p in re.split(r"\s*,\s*", exclude)]
    if not isinstance(exclude, list) or not all(isinstance(p, str) for p in exclude):
        raise ConfigError(f"{where} extend-exclude: expected a list of glob patterns, got {exclude!r}")
    extend_exclude = tuple(normalize_pattern(p.strip(), parent) for p in exclude if p.strip())

    factories = _string_list(table, "extra-factories", where, "KIND:NAME strings")
    try:
        extra = parse_extra_factories(factories, option=f"{where} extra-factories")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None

    max_file_size = DEFAULT_MAX_FILE_SIZE
    if "max-file-size" in table:
        try:
            max_file_size = parse_max_file_size(table["max-file-size"], f"{where} max-file-size")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    roots = _string_list(table, "source-roots", where, "directories")
    try:
        source_roots = parse_source_roots(roots, parent, option=f"{where} source-roots")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None

    cache_dir = table.get("cache-dir")
    if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir.strip()):
        raise ConfigError(f"{where} cache-dir: expected a directory name, got {cache_dir!r}")
    no_cache = table.get("no-cache", False)
    if not isinstance(no_cache, bool):
        raise ConfigError(f"{where} no-cache: expected true or false, got {no_cache!r}")

    return Config(path=path, select=select, ignore=ignore, per_file_ignores=tuple(per_file),
                  extend_exclude=extend_exclude, extra_factories=extra, max_file_size=max_file_size,
                  source_roots=source_roots, no_cache=no_cache,
                  cache_dir=os.path.abspath(os.path.join(parent, os.path.expanduser(cache_dir.strip())))
                  if cache_dir else None)


def _string_list(table: Dict[str, Any], key: str, where: str, what: str) -> List[str]:
    """A list of strings, or one comma-separated string."""
    value = table.get(key, [])
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} {key}: expected a list of {what}, got {value!r}")
    return value


def max_file_size(option: Optional[str], config: Config) -> int:
    """Bytes: ``--max-file-size`` when given, else the configuration's value."""
    if option is None:
        return config.max_file_size
    try:
        return parse_max_file_size(option, "--max-file-size")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _toml_type(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", dict: "a table",
             list: "an array"}
    return names.get(type(value), type(value).__name__)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def common_start(paths: Iterable[str]) -> Path:
    """The directory from which the configuration is searched: the common parent of ``paths``."""
    dirs = []
    for raw in paths:
        path = Path(raw).resolve()
        dirs.append(str(path if path.is_dir() else path.parent))
    if not dirs:
        return Path.cwd()
    try:
        return Path(os.path.commonpath(dirs))
    except ValueError:  # different drives on Windows
        return Path.cwd()
