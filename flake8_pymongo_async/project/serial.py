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
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Type

from ..semantic.summary import ModuleSummary

_SCALARS = (str, int, float, bool)
_MAPPINGS = {"Mapping", "Dict", "dict", "MappingProxyType"}


@functools.lru_cache(maxsize=None)  # the classes are few; resolving string annotations is slow
def _hints(cls: Type[Any]) -> Dict[str, Any]:
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls, vars(module))


def encode(value: Any, tp: Any = ModuleSummary) -> Any:
    """``value`` (of annotation ``tp``) as JSON-compatible data."""
    return _encoder(tp)(value)


Encoder = Callable[[Any], Any]


@functools.lru_cache(maxsize=None)
def _encoder(tp: Any) -> Encoder:
    """A function that encodes values of annotation ``tp``, built once per annotation (as ``_decoder``)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        names = [f.name for f in dataclasses.fields(tp)]
        fields: List[Tuple[str, Encoder]] = []  # filled on first use: a dataclass may hold itself

        def instance(value: Any) -> Any:
            if value is None:
                return None
            if not fields:
                hints = _hints(tp)  # type: ignore[arg-type]
                fields.extend((name, _encoder(hints[name])) for name in names)
            return {name: field(getattr(value, name)) for name, field in fields}
        return instance
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return lambda value: None if value is None else value.value
    if origin is typing.Union:
        return lambda value: None if value is None else _encoder(_member_for(value, args))(value)
    if origin is typing.Literal or tp in _SCALARS or tp is Any:
        return lambda value: value
    if _is_mapping(tp):
        key_tp, item_tp = args or (str, Any)

        def mapping(value: Any) -> Any:
            if value is None:
                return None
            key, item = _encoder(key_tp), _encoder(item_tp)
            return [[key(k), item(v)] for k, v in value.items()]
        return mapping
    if origin in (tuple, list, frozenset, set):
        unordered = origin in (frozenset, set)
        fixed = origin is tuple and not (len(args) == 2 and args[1] is Ellipsis)

        def sequence(value: Any) -> Any:
            if value is None:
                return None
            items = sorted(value, key=repr) if unordered else value
            if fixed:
                return [_encoder(t)(v) for v, t in zip(items, args)]
            item = _encoder(args[0] if args else Any)
            return [item(v) for v in items]
        return sequence
    raise TypeError(f"cannot serialise the annotation {tp!r}")


def decode(data: Any, tp: Any = ModuleSummary) -> Any:
    """The value of annotation ``tp`` that ``encode`` gave ``data`` for; ``ValueError`` if it does not fit."""
    return _decoder(tp)(data)


Decoder = Callable[[Any], Any]


@functools.lru_cache(maxsize=None)
def _decoder(tp: Any) -> Decoder:
    """A function that decodes data of annotation ``tp``, built once per annotation: a warm cache
    decodes every summary a walk asks for, and reading the annotations again for each of their
    hundred thousand values cost more than the walk."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:
        optional = type(None) in args
        members = [m for m in args if m is not type(None)]

        def union(data: Any) -> Any:
            if data is None and optional:
                return None
            for member in members:
                try:
                    return _decoder(member)(data)
                except ValueError:
                    continue
            raise ValueError(f"{data!r} fits no member of {tp!r}"[:200])
        return union
    if dataclasses.is_dataclass(tp):
        names = [f.name for f in dataclasses.fields(tp)]
        expected = set(names)
        fields: List[Tuple[str, Decoder]] = []  # filled on first use: a dataclass may hold itself

        def instance(data: Any) -> Any:
            if not fields:
                hints = _hints(tp)  # type: ignore[arg-type]
                fields.extend((name, _decoder(hints[name])) for name in names)
            if not isinstance(data, dict) or data.keys() != expected:
                raise ValueError(f"not a {tp.__name__}: {data!r}"[:200])  # type: ignore[union-attr]
            return tp(**{name: field(data[name]) for name, field in fields})  # type: ignore[operator]
        return instance
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members_by_value = {m.value: m for m in tp}

        def member(data: Any) -> Any:
            try:
                return members_by_value[data]
            except (KeyError, TypeError):
                raise ValueError(f"not a {tp.__name__}: {data!r}"[:200]) from None
        return member
    if origin is typing.Literal:
        def literal(data: Any) -> Any:
            if data not in args:
                raise ValueError(f"{data!r} is not one of {args!r}"[:200])
            return data
        return literal
    if tp in _SCALARS:
        def scalar(data: Any) -> Any:
            if type(data) is not tp and not (tp is float and type(data) is int):
                raise ValueError(f"not a {tp.__name__}: {data!r}"[:200])
            return data
        return scalar
    if tp is Any:
        return lambda data: data
    if _is_mapping(tp):
        key_tp, item_tp = args or (str, Any)

        def mapping(data: Any) -> Any:
            if not isinstance(data, list) or not all(isinstance(p, list) and len(p) == 2 for p in data):
                raise ValueError(f"not a mapping: {data!r}"[:200])
            key, item = _decoder(key_tp), _decoder(item_tp)
            return MappingProxyType({key(k): item(v) for k, v in data})
        return mapping
    if origin in (tuple, list, frozenset, set):
        fixed = origin is tuple and not (len(args) == 2 and args[1] is Ellipsis)

        def sequence(data: Any) -> Any:
            if not isinstance(data, list):
                raise ValueError(f"not a sequence: {data!r}"[:200])
            if fixed:
                if len(data) != len(args):
                    raise ValueError(f"expected {len(args)} items: {data!r}"[:200])
                return tuple(_decoder(t)(v) for v, t in zip(data, args))
            item = _decoder(args[0] if args else Any)
            return origin([item(v) for v in data])
        return sequence

    def unreadable(data: Any) -> Any:
        raise ValueError(f"cannot read the annotation {tp!r}")
    return unreadable


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
