"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run: ``tool.driver`` describes every registered rule (id, kebab-case name, the first sentence
of "What it does" as the short description, the whole ``explain`` page as the full description and
help, in markdown, and a ``helpUri``); each finding is a result with its rule, a ``warning`` level,
the message, and a region in 1-based lines and columns counted in Unicode code points
(``columnKind``). Relative paths are relative to ``%SRCROOT%``, the working directory. Files that
could not be checked (syntax errors...) are tool execution notifications of the invocation.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Sequence
from urllib.parse import quote

from .. import __version__
from ..plumbing import FileResult
from ..docs_render import first_sentence, render_text
from ..files import display
from ..defaults import PROG
from ..rules.registry import Rule
from . import Context
from .links import information_url, rule_url

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"


def _artifact_location(path: str, cwd: str) -> Dict[str, Any]:
    # A URI is percent-encoded bytes: those of the name on disk (os.fsencode), as a file URI has
    # them, so that a name that is not UTF-8 still points at its file.
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    normalized = os.path.normpath(path).replace(os.sep, "/")
    return {"uri": quote(os.fsencode(normalized), safe="/"), "uriBaseId": SRCROOT}


def _descriptor(rule: Rule) -> Dict[str, Any]:
    page = render_text(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": first_sentence(rule.docs.what) or rule.name},
        "fullDescription": {"text": page, "markdown": page},
        "help": {"text": page, "markdown": page},
        "helpUri": rule_url(rule),
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["pymongo-async", "migration"], "fix": rule.fix_availability.value},
    }


def build(results: Sequence[FileResult], context: Context) -> Dict[str, Any]:
    codes = sorted(context.rules)  # every registered rule is checked, so every one is described
    index = {code: i for i, code in enumerate(codes)}
    sarif_results: List[Dict[str, Any]] = []
    for result in results:
        for f in result.findings:
            d = f.diagnostic
            region = {
                "startLine": d.line,
                "startColumn": f.char_col + 1,
                "endLine": max(d.end_line, d.line),
                "endColumn": f.char_end_col + 1,
            }
            item: Dict[str, Any] = {"ruleId": d.code}
            if d.code in index:
                item["ruleIndex"] = index[d.code]
            item.update({
                "level": "warning",
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": _artifact_location(f.path, context.cwd),
                    "region": region,
                }}],
            })
            sarif_results.append(item)
    notifications = []
    for result in results:
        if result.error_kind is None:
            continue
        location: Dict[str, Any] = {"artifactLocation": _artifact_location(result.path, context.cwd)}
        if result.error_line:
            location["region"] = {"startLine": result.error_line,
                                  **({"startColumn": result.error_col} if result.error_col else {})}
        notifications.append({
            "level": "error",
            "message": {"text": display(f"{result.path}: {result.error}")},
            "locations": [{"physicalLocation": location}],
        })
    invocation: Dict[str, Any] = {
        "executionSuccessful": not any(r.error_kind for r in results),
        "toolExecutionNotifications": notifications,
    }
    if context.exit_code is not None:
        invocation["exitCode"] = context.exit_code
    cwd_uri = Path(os.path.abspath(context.cwd)).as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": PROG,
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": information_url(),
                "rules": [_descriptor(context.rules[code]) for code in codes],
            }},
            "invocations": [invocation],
            "originalUriBaseIds": {SRCROOT: {"uri": cwd_uri}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }


def render(results: Sequence[FileResult], context: Context) -> str:
    return json.dumps(build(results, context), indent=2, ensure_ascii=False) + "\n"
