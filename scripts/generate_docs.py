#!/usr/bin/env python
"""Generate docs/rules/<CODE>.md and docs/rules/README.md from the rule registry.

Also rewrites the block between ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->`` in
the top-level README.md when (and only when) both markers are present.

    python scripts/generate_docs.py          # write the files
    python scripts/generate_docs.py --check  # exit 1 and print a diff if anything is out of date
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flake8_pymongo_async import docs_render  # noqa: E402
from flake8_pymongo_async.rules.registry import RULES  # noqa: E402

_PAGE = re.compile(r"PMA\d{3}\.md")

INDEX_INTRO = """\
# Rules

Every rule of flake8-pymongo-async, one page each. "fix" says whether `flake8-pymongo-async fix`
has a fix for the rule's findings: `always`, `sometimes` (not for every finding; the page says
when) or `none`. Whether a fix applies by default (safe) or only with `--unsafe-fixes` (unsafe) is
decided per finding; each page's "Fix safety" section says which.
`flake8-pymongo-async explain CODE` prints the same page in the terminal.
"""


def rules_index() -> str:
    return (
        docs_render.GENERATED_NOTE
        + "\n\n"
        + INDEX_INTRO
        + "\n"
        + docs_render.rules_table_markdown(RULES.values(), link_prefix="")
    )


def expected_outputs(root: Path = ROOT) -> Dict[Path, str]:
    """Every generated file and its content. README.md is included only if it has the markers."""
    out: Dict[Path, str] = {}
    docs_dir = root / docs_render.DOCS_DIR
    for code in sorted(RULES):
        out[docs_dir / f"{code}.md"] = docs_render.render_markdown(RULES[code])
    out[docs_dir / "README.md"] = rules_index()
    readme = root / "README.md"
    if readme.is_file():
        table = docs_render.rules_table_markdown(RULES.values(), link_prefix=docs_render.DOCS_DIR + "/")
        new = docs_render.replace_rules_table(readme.read_text(encoding="utf-8"), table)
        if new is not None:
            out[readme] = new
    return out


def stale_pages(root: Path = ROOT) -> List[Path]:
    """Generated rule pages whose code is no longer in the registry."""
    docs_dir = root / docs_render.DOCS_DIR
    if not docs_dir.is_dir():
        return []
    return sorted(p for p in docs_dir.iterdir() if _PAGE.fullmatch(p.name) and p.stem not in RULES)


def _read(path: Path) -> Optional[str]:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def check(root: Path = ROOT) -> str:
    """A unified diff of what generation would change; "" when everything is up to date."""
    chunks: List[str] = []
    for path, content in expected_outputs(root).items():
        current = _read(path)
        if current == content:
            continue
        rel = path.relative_to(root).as_posix()
        chunks.extend(
            difflib.unified_diff(
                (current or "").splitlines(True),
                content.splitlines(True),
                fromfile=f"a/{rel}" if current is not None else "/dev/null",
                tofile=f"b/{rel}",
            )
        )
    for path in stale_pages(root):
        rel = path.relative_to(root).as_posix()
        chunks.extend(
            difflib.unified_diff(path.read_text(encoding="utf-8").splitlines(True), [],
                                 fromfile=f"a/{rel}", tofile="/dev/null")
        )
    return "".join(chunks)


def write(root: Path = ROOT) -> List[Path]:
    """Write every out-of-date file and delete stale pages; return the paths touched."""
    touched: List[Path] = []
    for path, content in expected_outputs(root).items():
        if _read(path) != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="\n")
            touched.append(path)
    for path in stale_pages(root):
        path.unlink()
        touched.append(path)
    return touched


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 with a diff if anything is out of date")
    args = parser.parse_args(argv)
    if args.check:
        diff = check()
        if diff:
            sys.stdout.write(diff)
            sys.stderr.write("docs are out of date: run python scripts/generate_docs.py\n")
            return 1
        return 0
    for path in write():
        print(path.relative_to(ROOT).as_posix())
    readme = ROOT / "README.md"
    has_markers = readme.is_file() and (
        docs_render.replace_rules_table(readme.read_text(encoding="utf-8"), "") is not None
    )
    if not has_markers:
        sys.stderr.write(
            "note: README.md has no <!-- rules-table:start --> / <!-- rules-table:end --> markers; "
            "its rules table was not generated\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
