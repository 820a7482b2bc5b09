"""The flake8 adapter: options, ``run()``, and turning internal errors into flake8's own failure.

The file being checked comes from flake8's ``tree`` and ``lines``, never from the disk (under
``flake8 -`` the file named by ``--stdin-display-name`` may not exist or may differ); its
``filename`` only gives its place in the project. The project's other modules are read from disk
by one ``ProjectIndex`` per process, memoised across the files that process checks.
The analysis itself is ``checker.check``, shared with the CLI and the fixer.

``max-file-size`` does not apply here: flake8 has read, tokenized and parsed the file (most of the
memory a large file costs) before any plugin runs, and the plugin's own analysis adds little to
that. Keep generated files out with flake8's ``extend-exclude``.
"""
from __future__ import annotations

import argparse
import ast
import logging
import os
from typing import Any, ClassVar, Iterator, List, Optional, Sequence, Tuple, Type

# flake8 ships no type information (no py.typed, no stubs package).
from flake8.exceptions import ExecutionError, PluginExecutionFailed  # type: ignore[import-untyped]

from . import __version__, checker
from .project.index import ProjectIndex
from .defaults import default_cache_dir
from .settings import (DEFAULT_SETTINGS, FACTORIES_OPTION, FACTORY_KINDS, SOURCE_ROOTS_OPTION, Settings,
                       parse_extra_factories, parse_source_roots)

LOG = logging.getLogger("flake8.pymongo_async")

ENTRY_POINT = "PMA"

Result = Tuple[int, int, str, Type[Any]]


class Plugin:
    """flake8's entry point ``PMA``: a tree plugin that reports ``checker.check``'s diagnostics."""

    name = "flake8-pymongo-async"
    version = __version__

    # Set by parse_options (once per process, from the same options every time).
    _settings: ClassVar[Settings] = DEFAULT_SETTINGS
    # The other modules of the project, summarised at most once per process (flake8 runs each file
    # in a worker process: each worker has its own index; the disk cache is shared).
    _index: ClassVar[ProjectIndex] = ProjectIndex(DEFAULT_SETTINGS)
    _cache_dir: ClassVar[Optional[str]] = None

    __slots__ = ("tree", "lines", "filename")

    # flake8 chooses the arguments by these parameter names: all must stay positional-or-keyword.
    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.add_option(
            FACTORIES_OPTION,
            default=[],
            parse_from_config=True,
            comma_separated_list=True,
            metavar="KIND:NAME,...",
            help=(
                "Functions or classes of your code whose call returns an async driver object, "
                f"as KIND:NAME with KIND one of {', '.join(FACTORY_KINDS)} "
                "(e.g. collection:app.db.get_users,client:app.mongo.make_client). Default: none."
            ),
        )

        option_manager.add_option(
            SOURCE_ROOTS_OPTION,
            default=[],
            parse_from_config=True,
            comma_separated_list=True,
            metavar="DIR,...",
            help=(
                "Directories where first-party modules are also found, for layouts that walking up "
                "the __init__.py directories does not find (relative to the current directory). "
                "Default: none."
            ),
        )
        option_manager.add_option(
            "--pma-cache-dir",
            default=None,
            parse_from_config=True,
            metavar="DIR",
            help=f"Where the summaries of the project's modules are cached (default: {default_cache_dir()}).",
        )
        option_manager.add_option(
            "--pma-no-cache",
            default=False,
            action="store_true",
            parse_from_config=True,
            help="Do not read or write the cache of module summaries.",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        try:
            factories = parse_extra_factories(getattr(options, "pma_extra_factories", None))
            roots = parse_source_roots(getattr(options, "pma_source_roots", None), os.getcwd())
        except ValueError as exc:
            # flake8 prints an ExecutionError as its own short report, without a traceback.
            raise ExecutionError(str(exc)) from None
        settings = Settings(extra_factories=factories, source_roots=roots)
        cache_dir = None if getattr(options, "pma_no_cache", False) else (
            getattr(options, "pma_cache_dir", None) or default_cache_dir())
        if (settings, cache_dir) != (cls._settings, cls._cache_dir):
            cls._settings, cls._cache_dir = settings, cache_dir
            cls._index = ProjectIndex(settings, cache_dir)

    def run(self) -> Iterator[Result]:
        try:
            # Everything is computed before the first yield: nothing can fail mid-iteration.
            # Code nested past the model's limit goes unreported here without a word: a plugin
            # has no channel for a per-file note (only results with a code, which would fail the
            # build). The standalone commands say so (checker.analyse).
            results: List[Result] = [
                (d.line, d.col, d.flake8_text(), type(self))
                for d in checker.check(self.tree, self.lines, self._settings, self._index.view(self.filename))
            ]
        except Exception as exc:  # includes RecursionError on deeply nested code
            LOG.critical("%s crashed on %s", self.name, self.filename, exc_info=True)
            raise PluginExecutionFailed(
                filename=self.filename,
                plugin_name=f"{self.name}[{ENTRY_POINT}]",
                exception=exc,
            ) from exc
        yield from results
