"""flake8 with no plugin but its own (pycodestyle, pyflakes) and this one, for the tests that run it.

Another installed plugin must not change what these tests see: flake8 runs every plugin on every
file before ``--select`` filters the output, so a third-party plugin that crashes (flake8-bugbear
on deep nesting) or reports its own codes would fail them. The tests run ``FLAKE8 + [args]`` in a
subprocess, or ``main(args)`` in their own process:

    python tests/flake8_alone.py --isolated --select=PMA path/

It is flake8's own command line; only its plugin discovery is narrowed (``finder`` is flake8's
plugin-finding module since flake8 5).
"""
from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

# flake8 and what it installs (its own plugins come from these), and this plugin.
ALLOWED_DISTRIBUTIONS = frozenset({"flake8", "pycodestyle", "pyflakes", "mccabe", "flake8-pymongo-async"})

FLAKE8: List[str] = [sys.executable, str(Path(__file__).resolve())]


def run(*args: str, cwd: Path, stdin: Optional[str] = None, timeout: float = 300) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([*FLAKE8, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


@contextmanager
def allowed_plugins_only() -> Iterator[None]:
    """Inside, flake8 finds only the plugins of ``ALLOWED_DISTRIBUTIONS``."""
    from flake8.plugins import finder

    every_plugin = finder._find_importlib_plugins

    def allowed_plugins() -> Iterator[finder.Plugin]:
        for plugin in every_plugin():
            if plugin.package in ALLOWED_DISTRIBUTIONS:
                yield plugin

    finder._find_importlib_plugins = allowed_plugins
    try:
        yield
    finally:
        finder._find_importlib_plugins = every_plugin


def main(argv: List[str]) -> int:
    """flake8's command line (in this process), with the allowed plugins only."""
    from flake8.main import cli

    with allowed_plugins_only():
        return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
