"""``ProjectIndex``: the summaries of a project's modules, each computed at most once per process.

A summary is made by reading the module's file (``files.read_regular``: FIFOs, devices, files over
the size limit and unreadable files are unknown), parsing it and walking it with the semantic
model (no rule subscribed, findings dropped), then ``summarize``. It is memoised by absolute path
and kept in the on-disk cache (``cache``).

Order, cycles and termination. Before a module is summarised, every first-party module it may ask
about (``imports.candidate_names``; ``conftest.py`` files above a test module) is found, then the
strongly connected components of that graph are summarised dependencies first (Tarjan's
algorithm, iterative). The members of one import cycle are summarised in the order of their
paths: each sees those before it, and those after it as unknown (None), whatever module the run
started from, so a summary never depends on the order files are checked in (flake8 hands files to
its workers in any order). Each file is read once, each module walked once: the
loops are bounded by the number of files. A module asked for that the pre-scan did not predict is
summarised on demand, nested at most ``MAX_NESTING`` deep; one asked for while its own component is
being summarised is unknown.

Evidence. A module whose text never names the driver and none of whose first-party imports has
evidence holds no driver value: it is not walked, and its summary is unknown (None), which is
what the model assumes of a module it knows nothing about.

The module being checked is never read here: its tree comes from flake8 or the command, and it
gets a ``ModuleView`` (``view``) for its place in the project.
"""
from __future__ import annotations

import ast
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from ..files import TooLarge, decode_lines, read_regular
from ..filesize import DEFAULT_MAX_FILE_SIZE
from ..api.kinds import DRIVER_PACKAGES
from ..defaults import DEFAULT_EXCLUDE, matches_filename
from ..semantic.model import SemanticModel
from ..semantic.project import EMPTY
from ..semantic.summary import ModuleSummary, ValueKind, ValueSummary, summarize
from ..settings import Settings, mentions_driver
from . import serial
from .cache import DiskCache, Entry, ImportSpec
from .imports import candidate_names, import_specs, scan_import_specs, top_level_specs
from .locate import Place, Probe, place_of, project_root, resolve, roots_for

# On-demand summaries (a module the import pre-scan did not predict) nest at most this deep.
MAX_NESTING = 20
CONFTEST = "conftest.py"
# The walk recurses once per nesting level of the code; this makes sure the interpreter allows
# what the model's MAX_DEPTH needs, whatever limit the host process set.
RECURSION_HEADROOM = 4000
# Words in a module's text that make it worth asking the project's framework state.
_STATE_WORDS = (".state", "app[", "config_dict")
_FILE_KEY = "file:"  # Entry.deps key of a conftest.py a test module read fixtures from
# Framework state is read from every module of the project; a "project" with more files than this
# (a home directory checked without a project marker) gives none: all or nothing, since a key
# stored with two values in two modules must not be seen with one.
MAX_STATE_FILES = 5000


@contextmanager
def recursion_headroom() -> Iterator[None]:
    limit = sys.getrecursionlimit()
    if limit < RECURSION_HEADROOM:
        sys.setrecursionlimit(RECURSION_HEADROOM)
    try:
        yield
    finally:
        if limit < RECURSION_HEADROOM:
            sys.setrecursionlimit(limit)


class Record:
    """What the project knows of one module file. A summary read from the disk cache is decoded
    the first time it is asked for (the evidence pre-filter needs only ``evidence``); one that does
    not decode (an entry written by hand?) is unknown."""

    __slots__ = ("evidence", "fingerprint", "_summary", "_data")

    def __init__(self, summary: Optional[ModuleSummary], evidence: bool, fingerprint: str = "none",
                 data: Any = None) -> None:
        self.evidence = evidence  # the module, or a first-party module it imports, names the driver
        self.fingerprint = fingerprint  # serial.fingerprint(summary)
        self._summary = summary
        self._data = data  # serial.encode(summary), still to decode

    @property
    def summary(self) -> Optional[ModuleSummary]:
        if self._data is not None:
            data, self._data = self._data, None
            try:
                self._summary = serial.decode(data, Optional[ModuleSummary])
            except (ValueError, TypeError, RecursionError):
                self._summary = None
        return self._summary


UNKNOWN_MODULE = Record(None, False)


class _DropSink:
    """Findings of a summarising walk are not wanted (the module is checked on its own)."""

    def report(self, *args: object, **kwargs: object) -> None:
        return None


_DROP = _DropSink()


@dataclass
class _Node:
    """A module file found while indexing, until it is summarised."""

    path: str
    place: Optional[Place]
    roots: Tuple[str, ...]
    is_test: bool
    size: int = -1
    mtime_ns: int = -1
    entry: Optional[Entry] = None  # a disk-cache entry made from this very file
    tree: Optional[ast.AST] = None
    lines: Sequence[str] = ()
    text_evidence: bool = False
    specs: Tuple[ImportSpec, ...] = ()
    unreadable: bool = False  # not a regular file, too large, cannot be read: never cached
    read: bool = False  # read (and parsed if its text names the driver: tree is None on a syntax error)
    successors: List[str] = field(default_factory=list)


class ProjectIndex:
    """Summaries of the modules of the project(s) that the checked files belong to, per process."""

    def __init__(self, settings: Settings, cache_dir: Optional[str] = None) -> None:
        self.settings = settings
        self.disk = DiskCache(cache_dir, settings) if cache_dir else None
        self.memo: Dict[str, Record] = {}
        self.nodes: Dict[str, _Node] = {}
        self.in_progress: Set[str] = set()
        self.nesting = 0
        self.walks = 0  # modules walked to be summarised (each at most once per process)
        self._places: Dict[str, Optional[Place]] = {}
        self._conftests: Dict[str, Tuple[str, ...]] = {}
        self._app_state: Dict[str, Mapping[str, ValueSummary]] = {}
        self._resolved: Dict[Tuple[str, Tuple[str, ...]], Optional[str]] = {}
        self._probe = Probe()

    # ------------------------------------------------------------------ what the checker uses
    def view(self, filename: Optional[str]) -> ModuleView:
        """The project as the module checked under the name ``filename`` sees it (its text and tree
        come from the caller; ``filename`` only gives its place)."""
        path = os.path.abspath(filename) if filename else None
        place = self._place(path) if path else None
        return ModuleView(self, path, place, roots_for(place, self.settings.source_roots, self._probe))

    def module_summary(self, path: str) -> Optional[ModuleSummary]:
        """The summary of the module in file ``path`` (None: unknown)."""
        return self.record(os.path.abspath(path)).summary

    # ------------------------------------------------------------------ records
    def record(self, path: Optional[str]) -> Record:
        """The record of the module file ``path`` (absolute), summarising what it needs first."""
        if path is None:
            return UNKNOWN_MODULE
        found = self.memo.get(path)
        if found is not None:
            return found
        if path in self.in_progress or self.nesting >= MAX_NESTING:
            return UNKNOWN_MODULE
        self.nesting += 1
        try:
            with recursion_headroom():
                for component in self._components(path):
                    self._summarise(component)
        finally:
            self.nesting -= 1
        return self.memo.get(path, UNKNOWN_MODULE)

    def answer(self, roots: Tuple[str, ...], name: str) -> Record:
        return self.record(self.resolve(name, roots))

    def resolve(self, name: str, roots: Tuple[str, ...]) -> Optional[str]:
        """``locate.resolve``, memoised: the files of the project do not move during a run. A
        driver module is never the project's (its names come from the API tables): checking the
        driver's own source must not summarise the whole driver first."""
        key = (name, roots)
        if key not in self._resolved:
            driver = name.partition(".")[0] in DRIVER_PACKAGES
            self._resolved[key] = None if driver else resolve(name, roots, self._probe)
        return self._resolved[key]

    def conftest_fixtures(self, path: Optional[str], place: Optional[Place],
                          used: Optional[Dict[str, str]] = None) -> Mapping[str, ValueSummary]:
        """The fixtures of the conftest.py files from the directory of ``path`` up to the project's
        root, the nearest first (it wins). ``used`` records which files were read (cache deps)."""
        if path is None:
            return EMPTY
        merged: Dict[str, ValueSummary] = {}
        for conftest in self._conftests_for(path, place):
            if conftest == path:
                continue
            record = self.record(conftest)
            if used is not None:
                used[_FILE_KEY + conftest] = record.fingerprint
            if record.summary is not None:
                for name, value in record.summary.fixtures.items():
                    merged.setdefault(name, value)
        return MappingProxyType(merged) if merged else EMPTY

    def app_state(self, path: Optional[str], place: Optional[Place]) -> Mapping[str, ValueSummary]:
        """``ModuleSummary.state`` of every module of the project of ``path``, merged (a key stored
        with different values is left out). The whole project is summarised for it, once."""
        if path is None:
            return EMPTY
        top = project_root(os.path.dirname(path)) or (place.root if place else os.path.dirname(path))
        found = self._app_state.get(top)
        if found is None:
            merged: Dict[str, ValueSummary] = {}
            conflicting: Set[str] = set()
            for module in _project_files(top) or ():
                summary = self.record(os.path.abspath(module)).summary
                for key, value in (summary.state.items() if summary is not None else ()):
                    if merged.setdefault(key, value) != value:
                        conflicting.add(key)
            for key in conflicting:
                del merged[key]
            found = self._app_state[top] = MappingProxyType(merged) if merged else EMPTY
        return found

    # ------------------------------------------------------------------ the graph
    def _place(self, path: str) -> Optional[Place]:
        if path not in self._places:
            self._places[path] = place_of(path, self._probe)
        return self._places[path]

    def _conftests_for(self, path: str, place: Optional[Place]) -> Tuple[str, ...]:
        directory = os.path.dirname(path)
        found = self._conftests.get(directory)
        if found is None:
            stop = project_root(directory) or (place.root if place else directory)
            files: List[str] = []
            current = directory
            while True:  # up to `stop`, or to the file system's root: ends
                candidate = os.path.join(current, CONFTEST)
                if self._probe.is_file(candidate):
                    files.append(candidate)
                parent = os.path.dirname(current)
                if current == stop or parent == current or not current.startswith(stop):
                    break
                current = parent
            found = self._conftests[directory] = tuple(files)
        return found

    def _node(self, path: str) -> _Node:
        node = self.nodes.get(path)
        if node is not None:
            return node
        place = self._place(path)
        node = _Node(path=path, place=place, roots=roots_for(place, self.settings.source_roots, self._probe),
                     is_test=is_test_module(path))
        self.nodes[path] = node
        try:
            st = os.stat(path)
            node.size, node.mtime_ns = st.st_size, st.st_mtime_ns
        except (OSError, ValueError):
            node.unreadable = True
            return node
        if self.disk is not None:
            node.entry = self.disk.load(path, node.size, node.mtime_ns)
        if node.entry is not None:
            node.specs = node.entry.imports
        else:
            self._read(node)
        package = place.package if place else None
        for name in candidate_names(node.specs, package):
            target = self.resolve(name, node.roots)
            if target is not None:
                node.successors.append(target)
        if node.is_test:
            node.successors.extend(c for c in self._conftests_for(path, place) if c != path)
        return node

    def _read(self, node: _Node) -> None:
        """Read the module's file. One that names the driver is parsed now (it will be walked);
        any other is parsed only if a module it imports turns out to give driver values: until
        then its imports are read from its text (``scan_import_specs``), parsing being most of the
        cost of a large project checked cold."""
        if node.read or node.unreadable:
            return
        try:
            data, st = read_regular(node.path, DEFAULT_MAX_FILE_SIZE)
        except (OSError, TooLarge, ValueError):
            node.unreadable = True
            return
        node.read = True
        node.size, node.mtime_ns = st.st_size, st.st_mtime_ns
        node.lines = decode_lines(data)
        text = "".join(node.lines)
        node.text_evidence = mentions_driver(text, self.settings)
        if node.text_evidence:
            self._parse(node, text)
            node.specs = import_specs(node.tree) if node.tree is not None else ()
        else:
            node.specs = scan_import_specs(text)

    def _parse(self, node: _Node, text: str) -> None:
        try:
            node.tree = ast.parse(text, filename=node.path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            node.tree = None  # unknown: a module that does not parse exports nothing we can trust

    def _components(self, start: str) -> List[List[str]]:
        """The strongly connected components of the not-yet-summarised modules reachable from
        ``start``, each sorted, dependencies first (Tarjan's algorithm, without recursion)."""
        index: Dict[str, int] = {}
        low: Dict[str, int] = {}
        stack: List[str] = []
        on_stack: Set[str] = set()
        result: List[List[str]] = []

        def open_(path: str) -> Tuple[str, Iterator[str]]:
            index[path] = low[path] = len(index)
            stack.append(path)
            on_stack.add(path)
            successors = [s for s in self._node(path).successors if s not in self.memo and s not in self.in_progress]
            return path, iter(successors)

        work = [open_(start)]
        while work:  # each path is opened once and each edge followed once
            current, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    work.append(open_(successor))
                    break
                if successor in on_stack:
                    low[current] = min(low[current], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[current])
                if low[current] == index[current]:
                    component: List[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == current:
                            break
                    result.append(sorted(component))
        return result

    # ------------------------------------------------------------------ summarising
    def _summarise(self, component: List[str]) -> None:
        self.in_progress.update(component)
        try:
            for path in component:
                if path not in self.memo:  # else summarised meanwhile, on demand (nested)
                    self.memo[path] = self._summarise_one(self.nodes.pop(path))
        finally:
            self.in_progress.difference_update(component)

    def _summarise_one(self, node: _Node) -> Record:
        entry = node.entry
        if entry is not None and all(self._dep_fingerprint(node, key) == fp for key, fp in entry.deps.items()):
            return Record(None, entry.evidence, entry.fingerprint, data=entry.summary_data)
        self._read(node)
        if node.unreadable:
            return UNKNOWN_MODULE
        view = _SummaryView(self, node)
        package = node.place.package if node.place else None
        for name in candidate_names(node.specs, package):
            view.note(name)
        for conftest in node.successors:
            if os.path.basename(conftest) == CONFTEST:
                view.used[_FILE_KEY + conftest] = self.record(conftest).fingerprint
        # Walked when its text names the driver or a module it imports gives driver values; its
        # own evidence is then whether its summary gives any. Text alone must not spread: a module
        # that merely imports one that mentions "mongo" in a docstring would make every importer
        # of it, transitively, walked (the whole standard library, checked as a project).
        summary: Optional[ModuleSummary] = None
        imports_evidence = any(self._dep_record(node, key).evidence for key in view.used)
        if node.text_evidence or imports_evidence:
            if node.tree is None and not node.text_evidence:
                self._parse(node, "".join(node.lines))
            if node.tree is not None:
                summary = self._walk(node, view)
        evidence = summary is not None and self._gives_driver(summary, node.roots)
        data = None if summary is None else serial.encode(summary)
        fingerprint = serial.data_fingerprint(data)
        if self.disk is not None:
            self.disk.store(node.path, Entry(size=node.size, mtime_ns=node.mtime_ns, imports=node.specs,
                                             evidence=evidence, deps=dict(view.used), summary_data=data,
                                             fingerprint=fingerprint))
        node.tree, node.lines = None, ()  # the tree is not needed any more
        return Record(summary, evidence, fingerprint)

    def _walk(self, node: _Node, view: _SummaryView) -> Optional[ModuleSummary]:
        assert node.tree is not None
        self.walks += 1
        try:
            model = SemanticModel(node.tree, node.lines, self.settings, subscribers=(), sink=_DROP, project=view)
            model.run()
            return summarize(model)
        except RecursionError:
            return None  # nested too deeply for this interpreter: unknown

    def _dep_fingerprint(self, node: _Node, key: str) -> str:
        return self._dep_record(node, key).fingerprint

    def _dep_record(self, node: _Node, key: str) -> Record:
        if key.startswith(_FILE_KEY):
            return self.record(key[len(_FILE_KEY):])
        return self.record(self.resolve(key, node.roots))

    def _gives_driver(self, summary: ModuleSummary, roots: Tuple[str, ...]) -> bool:
        """Whether what the module exports may lead to a driver object: a value of a driver kind
        among its names, fixtures, state, functions' returns and classes' attributes, or a function
        or class re-exported from a module that gives driver values."""
        values: List[ValueSummary] = [*summary.names.values(), *summary.fixtures.values(),
                                      *summary.state.values(), *(f.returns for f in summary.functions.values())]
        for cls in summary.classes.values():
            values.extend(cls.attributes.values())
            values.extend(m.returns for m in cls.methods.values())
        for value in values:
            if _holds_driver_object(value):
                return True
            if value.module is not None and value.kind in _PROJECT_KINDS and self.answer(roots, value.module).evidence:
                return True
        return False


_SHARED: Dict[Tuple[Settings, Optional[str]], ProjectIndex] = {}


def shared_index(settings: Settings, cache_dir: Optional[str]) -> ProjectIndex:
    """The index of this process for these settings: the commands check every file of a run (in
    one process, or in each worker of ``-j``) against one index, so each module is summarised once."""
    key = (settings, cache_dir)
    found = _SHARED.get(key)
    if found is None:
        found = _SHARED[key] = ProjectIndex(settings, cache_dir)
    return found


class _SummaryView:
    """The project as a module being summarised sees it; records what it asked (cache deps).
    Framework state is not offered here: it needs the whole project summarised, and only the
    module being checked reads it."""

    def __init__(self, index: ProjectIndex, node: _Node) -> None:
        self.index = index
        self.node = node
        self.used: Dict[str, str] = {}

    @property
    def package(self) -> Optional[str]:
        return self.node.place.package if self.node.place else None

    def note(self, name: str) -> Record:
        record = self.index.answer(self.node.roots, name)
        self.used[name] = record.fingerprint
        return record

    def module(self, name: str) -> Optional[ModuleSummary]:
        return self.note(name).summary

    def fixtures(self) -> Mapping[str, ValueSummary]:
        if not self.node.is_test:
            return EMPTY
        return self.index.conftest_fixtures(self.node.path, self.node.place, self.used)

    def app_state(self) -> Mapping[str, ValueSummary]:
        return EMPTY


class ModuleView:
    """The project as the module being checked sees it (``semantic.project.ProjectView``)."""

    def __init__(self, index: ProjectIndex, path: Optional[str], place: Optional[Place],
                 roots: Tuple[str, ...]) -> None:
        self.index = index
        self.path = path
        self.place = place
        self.roots = roots

    @property
    def package(self) -> Optional[str]:
        return self.place.package if self.place else None

    def module(self, name: str) -> Optional[ModuleSummary]:
        return self.index.answer(self.roots, name).summary

    def fixtures(self) -> Mapping[str, ValueSummary]:
        return self.index.conftest_fixtures(self.path, self.place)

    def app_state(self) -> Mapping[str, ValueSummary]:
        return self.index.app_state(self.path, self.place)

    def may_have_evidence(self, tree: ast.AST, text: str) -> bool:
        """Whether the project gives the module evidence its own text lacks: a first-party import
        (at its top level) with evidence, a conftest fixture or framework state holding a driver
        value. Cheap when the module imports nothing first-party: a few ``stat`` calls."""
        for name in candidate_names(top_level_specs(tree), self.package):
            if self.index.answer(self.roots, name).evidence:
                return True
        if self.path is not None and is_test_module(self.path) \
                and any(_holds_driver(v) for v in self.fixtures().values()):
            return True
        lowered = text.lower()
        if any(word in lowered for word in _STATE_WORDS):
            return any(_holds_driver(v) for v in self.app_state().values())
        return False


def _project_files(top: str) -> Optional[List[str]]:
    """The ``.py`` files under ``top`` (the commands' default excludes apply), or None when there
    are more than MAX_STATE_FILES: the walk stops there."""
    found: List[str] = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not matches_filename(os.path.join(root, d), DEFAULT_EXCLUDE))
        found.extend(os.path.join(root, name) for name in sorted(files) if name.endswith(".py"))
        if len(found) > MAX_STATE_FILES:
            return None
    return found


def is_test_module(path: str) -> bool:
    """pytest's default test files, and conftest.py: the modules that receive fixtures."""
    name = os.path.basename(path)
    return name == CONFTEST or (name.startswith("test_") and name.endswith(".py")) or name.endswith("_test.py")


_DRIVER_KINDS = (ValueKind.DRIVER_OBJECT, ValueKind.DRIVER_CLASS, ValueKind.DRIVER_METHOD,
                 ValueKind.FUNCTION, ValueKind.CLASS, ValueKind.INSTANCE)


_OBJECT_KINDS = (ValueKind.DRIVER_OBJECT, ValueKind.DRIVER_CLASS, ValueKind.DRIVER_METHOD)
_PROJECT_KINDS = (ValueKind.FUNCTION, ValueKind.CLASS, ValueKind.INSTANCE)


def _holds_driver_object(value: ValueSummary) -> bool:
    """A driver object, class or method, or a coroutine or list of one."""
    current: Optional[ValueSummary] = value
    for _ in range(64):  # `result` chains are finite data; bounded anyway
        if current is None:
            return False
        if current.kind in _OBJECT_KINDS:
            return True
        current = current.result
    return False


def _holds_driver(value: ValueSummary) -> bool:
    """Whether a value may lead to a driver object (a project function or class may: walk it)."""
    depth = 0
    current: Optional[ValueSummary] = value
    while current is not None and depth < 64:  # `result` chains are finite data; bounded anyway
        if current.kind in _DRIVER_KINDS:
            return True
        current = current.result
        depth += 1
    return False
