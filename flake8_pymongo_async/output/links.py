"""Where a rule's documentation lives online, for SARIF's ``helpUri`` and the JSON ``url``.

The package metadata's project URLs decide (``[project.urls]`` in pyproject.toml): with a
``Repository``/``Source``/``Homepage`` on GitHub or GitLab, a rule links to its generated page
``docs/rules/<CODE>.md`` there. Without one, a rule links to the section of the official migration
guide its docs reference (every rule has one: ``tests/test_docs.py``) and the tool to PyPI.
"""
from __future__ import annotations

import functools
from importlib import metadata
from typing import Dict, Optional

from ..docs_render import doc_path
from ..defaults import PROG
from ..rules.registry import GUIDE, Rule

PYPI_URL = f"https://pypi.org/project/{PROG}/"
_REPOSITORY_LABELS = ("repository", "source", "source code", "code", "homepage", "home")
_FORGES = ("https://github.com/", "https://gitlab.com/")


@functools.lru_cache(maxsize=1)
def repository_url() -> Optional[str]:
    try:
        meta = metadata.metadata(PROG)
    except metadata.PackageNotFoundError:
        return None
    urls: Dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        urls[label.strip().lower()] = url.strip()
    for home in meta.get_all("Home-page") or []:
        urls.setdefault("home", str(home).strip())
    for label in _REPOSITORY_LABELS:
        url = urls.get(label, "")
        if url.startswith(_FORGES):
            return url.rstrip("/")
    return None


def information_url() -> str:
    return repository_url() or PYPI_URL


def rule_url(rule: Rule) -> str:
    repo = repository_url()
    if repo:
        return f"{repo}/blob/HEAD/{doc_path(rule)}"
    for _title, url in rule.docs.references:
        if url.startswith(GUIDE):
            return url
    return GUIDE
