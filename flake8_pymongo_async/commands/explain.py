"""``flake8-pymongo-async explain CODE``: a rule's page, rendered from its registry entry.

The text is ``docs_render.render_text`` (ruff's layout, the same as docs/rules/<CODE>.md without the
generated-file note); ``--format json`` is ``docs_render.render_json`` plus ``implemented`` (always
true). A code is matched ignoring case, and bare digits get the PMA prefix (``explain 101``). An
unknown code is one line on stderr with the nearest code, and exit status 2 (a usage error,
``exit_codes``).
"""
from __future__ import annotations

import argparse
import json
import sys

from .. import exit_codes
from ..defaults import PROG


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", metavar="CODE", help="a rule code, e.g. PMA101")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    from .. import docs_render
    from ..rules.registry import RULES

    codes = sorted(RULES)
    wanted = args.code.strip().upper()
    if wanted.isdigit():
        wanted = "PMA" + wanted
    if wanted not in RULES:
        nearest = docs_render.nearest_code(args.code, codes)
        hint = f"did you mean {nearest}?" if nearest else f"`{PROG} rules` lists every code"
        print(f"{PROG}: unknown rule {args.code!r}; {hint}", file=sys.stderr)
        return exit_codes.USAGE
    rule = RULES[wanted]
    if args.format == "json":
        data = docs_render.render_json(rule)
        data["implemented"] = True  # every registered rule is checked; kept for readers of the JSON
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(docs_render.render_text(rule))
    return exit_codes.OK
