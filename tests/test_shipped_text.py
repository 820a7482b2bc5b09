"""What ships (the package, README, CHANGELOG, docs/) names no issue of this project's tracker and no
document outside the repository: a reader of the wheel or of the docs has neither."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Set

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_SUFFIXES = {".py", ".md", ".json", ".txt", ".toml", ".cfg", ".yaml", ".html"}

# A tracker reference ("issue 7", "issue #12", "defect 5") or a path to the shared folder beside
# the repository (../shared/..., shared/reference/...).
FORBIDDEN = re.compile(
    r"\.\./shared\b|\bshared/(?:reference|corpus|tools|guide|hooks)\b|\b(?:issue|defect|task)\s*#?\d+",
    re.IGNORECASE,
)
# A Markdown document named in the text (not inside a URL, not a shell redirect's output file):
# it must be one of the repository's.
DOCUMENT = re.compile(r"(?<!> )(?<![\w/.:%-])((?:\.\./|[\w-]+/)*[\w-]+\.md)\b")


def shipped_files() -> Iterator[Path]:
    yield from (ROOT / name for name in ("README.md", "CHANGELOG.md", "CONTRIBUTING.md", "pyproject.toml",
                                         "setup.cfg", ".pre-commit-hooks.yaml") if (ROOT / name).is_file())
    for folder in ("flake8_pymongo_async", "docs", "bench", "scripts"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts:
                yield path


def _repository_documents() -> Set[str]:
    names = set()
    for path in ROOT.rglob("*.md"):
        if ".git" not in path.parts:
            names.add(path.relative_to(ROOT).as_posix())
            names.add(path.name)
    return names


def _outside_documents(path: Path, text: str, known: Set[str]) -> List[str]:
    found = []
    for match in DOCUMENT.finditer(text):
        name = match.group(1)
        if name.startswith("../"):
            if not (path.parent / name).resolve().is_relative_to(ROOT):
                found.append(name)
        elif "/" in name:  # inside a folder of the repository (a page still to write counts as inside)
            folder = name.split("/")[0]
            if not ((ROOT / folder).is_dir() or (path.parent / folder).is_dir()):
                found.append(name)
        elif name not in known:
            found.append(name)
    return found


def test_shipped_text_names_no_issue_and_no_outside_document() -> None:
    known = _repository_documents()
    problems = []
    for path in shipped_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        where = path.relative_to(ROOT).as_posix()
        for lineno, line in enumerate(text.splitlines(), 1):
            problems += [f"{where}:{lineno}: {m.group(0)!r}" for m in FORBIDDEN.finditer(line)]
            problems += [f"{where}:{lineno}: {name!r} is not a document of the repository"
                         for name in _outside_documents(path, line, known)]
    assert not problems, "\n".join(problems)


def test_the_check_finds_what_it_forbids() -> None:
    known = _repository_documents()
    assert FORBIDDEN.search("see ../shared/reference/rules.md") and FORBIDDEN.search("(issue 7)")
    assert FORBIDDEN.search("defect 5") and not FORBIDDEN.search("an issue with asyncio tasks")
    assert _outside_documents(ROOT / "README.md", "facts in pymongo-async-api.md section 8", known)
    assert not _outside_documents(ROOT / "README.md", "see CHANGELOG.md and docs/rules/PMA101.md", known)
    assert not _outside_documents(ROOT / "README.md", "then write docs/rules/PMA999.md", known)
    assert _outside_documents(ROOT / "README.md", "in reference/rules.md", known)
    assert not _outside_documents(ROOT / "README.md", "https://github.com/o/r/blob/HEAD/other.md", known)
