"""Module summaries to and from JSON-compatible data, written once over the summary dataclasses.

The conversion follows each dataclass's field annotations (``typing.get_type_hints``), so a field
added to ``ModuleSummary``, ``ValueSummary``... needs no edit here, and ``SCHEMA`` (a fingerprint of
every field's name and type, and of every enum's members) changes with it: cache entries written
by another shape of the summaries are then ignored, never misread. Supported annotations: the
dataclasses and enums reachable from ``ModuleSummary``, ``Optional``/``Union``, ``Literal``,
``Mapping``/``Dict``, ``Tuple``, ``List``, ``FrozenSet``, ``str``, ``int``, ``float``, ``bool``.
A value that does not fit its annotation raises ``ValueError`` (``decode`` of a foreign entry).
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import sys
import typing
from types import MappingProxyType
from typing import Any, Dict, List, Optional, Set, Tuple, Type

from ..semantic.summary import ModuleSummary

_SCALARS = (str, int, float, bool)
_MAPPINGS = {"Mapping", "Dict", "dict", "MappingProxyType"}


@functools.lru_cache(maxsize=None)  # the classes are few; resolving string annotations is slow
def _hints(cls: Type[Any]) -> Dict[str, Any]:
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls, vars(module))


def encode(value: Any, tp: Any = ModuleSummary) -> Any:
    """``value`` (of annotation ``tp``) as JSON-compatible data."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if value is None:
        return None
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)  # type: ignore[arg-type]
        return {f.name: encode(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(tp)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return value.value
    if origin is typing.Union:
        return encode(value, _member_for(value, args))
    if origin is typing.Literal or tp in _SCALARS or tp is Any:
        return value
    if _is_mapping(tp):
        key_tp, item_tp = args or (str, Any)
        return [[encode(k, key_tp), encode(v, item_tp)] for k, v in value.items()]
    if origin in (tuple, list, frozenset, set):
        items = sorted(value, key=repr) if origin in (frozenset, set) else value
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return [encode(v, t) for v, t in zip(items, args)]
        return [encode(v, args[0] if args else Any) for v in items]
    raise TypeError(f"cannot serialise the annotation {tp!r}")


def decode(data: Any, tp: Any = ModuleSummary) -> Any:
    """The value of annotation ``tp`` that ``encode`` gave ``data`` for; ``ValueError`` if it does not fit."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:
        if data is None and type(None) in args:
            return None
        for member in args:
            if member is type(None):
                continue
            try:
                return decode(data, member)
            except ValueError:
                continue
        raise ValueError(f"{data!r} fits no member of {tp!r}")
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)  # type: ignore[arg-type]
        fields = dataclasses.fields(tp)
        if not isinstance(data, dict) or set(data) != {f.name for f in fields}:
            raise ValueError(f"not a {tp.__name__}: {data!r}"[:200])  # type: ignore[union-attr]
        return tp(**{f.name: decode(data[f.name], hints[f.name]) for f in fields})  # type: ignore[operator]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            raise ValueError(f"not a {tp.__name__}: {data!r}") from None
    if origin is typing.Literal:
        if data not in args:
            raise ValueError(f"{data!r} is not one of {args!r}")
        return data
    if tp in _SCALARS:
        if type(data) is not tp and not (tp is float and type(data) is int):
            raise ValueError(f"not a {tp.__name__}: {data!r}")
        return data
    if tp is Any:
        return data
    if _is_mapping(tp):
        key_tp, item_tp = args or (str, Any)
        if not isinstance(data, list) or not all(isinstance(p, list) and len(p) == 2 for p in data):
            raise ValueError(f"not a mapping: {data!r}"[:200])
        return MappingProxyType({decode(k, key_tp): decode(v, item_tp) for k, v in data})
    if origin in (tuple, list, frozenset, set):
        if not isinstance(data, list):
            raise ValueError(f"not a sequence: {data!r}"[:200])
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(data) != len(args):
                raise ValueError(f"expected {len(args)} items: {data!r}"[:200])
            return tuple(decode(v, t) for v, t in zip(data, args))
        items = [decode(v, args[0] if args else Any) for v in data]
        return origin(items)
    raise ValueError(f"cannot read the annotation {tp!r}")


def _is_mapping(tp: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    return getattr(origin, "__name__", "") in _MAPPINGS or origin is dict


def _member_for(value: Any, members: Tuple[Any, ...]) -> Any:
    for member in members:
        base = typing.get_origin(member) or member
        if member is type(None):
            continue
        if base is typing.Literal or (isinstance(base, type) and isinstance(value, base)):
            return member
        if _is_mapping(member) and isinstance(value, typing.Mapping):
            return member
    raise TypeError(f"{value!r} fits no member of {members!r}")


def _schema_text(tp: Any, seen: Set[Any], out: List[str]) -> None:
    if tp in seen:
        return
    if dataclasses.is_dataclass(tp):
        seen.add(tp)
        hints = _hints(tp)  # type: ignore[arg-type]
        shape = ",".join(f"{f.name}:{hints[f.name]!r}" for f in dataclasses.fields(tp))
        out.append(f"{tp.__name__}({shape})")  # type: ignore[union-attr]
        for f in dataclasses.fields(tp):
            _schema_text(hints[f.name], seen, out)
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        seen.add(tp)
        out.append(f"{tp.__name__}{{" + ",".join(str(m.value) for m in tp) + "}")
    else:
        for arg in typing.get_args(tp):
            if arg is not Ellipsis:
                _schema_text(arg, seen, out)


def schema_fingerprint(root: Any = ModuleSummary) -> str:
    """A short hash of the shape of ``root`` and of everything it holds."""
    out: List[str] = []
    _schema_text(root, set(), out)
    return hashlib.sha256("\n".join(out).encode()).hexdigest()[:16]


SCHEMA = schema_fingerprint()


def fingerprint(summary: Optional[ModuleSummary]) -> str:
    """What identifies a summary's content (for the dependencies of a cache entry)."""
    return data_fingerprint(None if summary is None else encode(summary))


def data_fingerprint(data: Any) -> str:
    """``fingerprint`` of the summary that ``encode`` gave ``data`` for (None: no summary)."""
    if data is None:
        return "none"
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]
