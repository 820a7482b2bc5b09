"""What the report shows, computed once and rendered three ways."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .. import plumbing
from ..config import Selection
from ..files import TooLarge
from ..filesize import DEFAULT_MAX_FILE_SIZE
from ..fix.source import SourceError, read_source
from ..processes import map_in_pool
from ..settings import Settings

SKIPPED_PREFIX = "skipped: "  # FileReport.problem of a file over max-file-size, never read
DOCS_PATH = "docs/rules/{code}.md"


@dataclass(frozen=True)
class ClassifiedFinding:
    """A finding with what the fixer does about it (``fix.engine.classify``)."""

    path: str
    line: int
    col: int  # 1-based, as flake8 prints it
    code: str
    message: str
    status: str  # safe (fixed by default), unsafe (with --unsafe-fixes), manual (a person)
    reason: str = ""  # for a fixable rule the fixer declines here: why


@dataclass
class FileReport:
    path: str
    findings: List[ClassifiedFinding] = field(default_factory=list)
    suppressed: int = 0
    problem: Optional[str] = None  # unreadable, syntax error...
    internal: bool = False  # the problem is the tool's own failure (exit_codes.INTERNAL)
    depth_limit_reached: bool = False  # code nested too deep was not checked (checker.DEPTH_LIMIT_WARNING)

    def counts(self) -> Counter[str]:
        return Counter(f.status for f in self.findings)


@dataclass(frozen=True)
class RuleRow:
    code: str
    name: str
    fix: str  # the rule's fix availability: always, sometimes or none
    count: int
    safe: int
    unsafe: int
    manual: int
    files: int
    docs: str
    guide: str


@dataclass
class Report:
    paths: List[str]
    version: str
    files: List[FileReport]
    missing: List[str] = field(default_factory=list)

    @property
    def findings(self) -> List[ClassifiedFinding]:
        return [f for file in self.files for f in file.findings]

    def totals(self) -> Dict[str, int]:
        counts = Counter(f.status for f in self.findings)
        return {
            "files_checked": sum(1 for f in self.files if not f.problem),
            "files_with_findings": sum(1 for f in self.files if f.findings),
            "findings": sum(counts.values()),
            "safe": counts["safe"],
            "unsafe": counts["unsafe"],
            "manual": counts["manual"],
            "suppressed": sum(f.suppressed for f in self.files),
            "files_not_checked": sum(1 for f in self.files if f.problem),
        }

    def exit_status(self) -> int:
        """``exit_codes``: findings or a file not checked is 1, an internal error 3."""
        from .. import exit_codes

        return exit_codes.status(found=bool(self.findings),
                                 not_checked=bool(self.missing) or any(f.problem for f in self.files),
                                 internal=any(f.internal for f in self.files))

    def rules(self) -> List[RuleRow]:
        from ..rules.registry import GUIDE, RULES

        by_code: Dict[str, List[ClassifiedFinding]] = {}
        for finding in self.findings:
            by_code.setdefault(finding.code, []).append(finding)
        rows = []
        for code, found in by_code.items():
            rule = RULES.get(code)
            counts = Counter(f.status for f in found)
            references = rule.docs.references if rule else ()
            rows.append(RuleRow(
                code=code, name=rule.name if rule else "", fix=rule.fix_availability.value if rule else "none",
                count=len(found), safe=counts["safe"], unsafe=counts["unsafe"], manual=counts["manual"],
                files=len({f.path for f in found}), docs=DOCS_PATH.format(code=code),
                guide=references[0][1] if references else GUIDE,
            ))
        rows.sort(key=lambda r: (-r.count, r.code))
        return rows


def analyze_file(path: str, settings: Settings, selection: Selection,
                 max_file_size: int = DEFAULT_MAX_FILE_SIZE, cache_dir: Optional[str] = None) -> FileReport:
    from ..fix.engine import classify
    from ..project.index import shared_index

    report = FileReport(path=path)
    try:
        source = read_source(path, max_file_size)
    except TooLarge as exc:
        report.problem = f"{SKIPPED_PREFIX}{exc}"
        return report
    except SourceError as exc:
        report.problem = str(exc)
        return report
    try:
        classified, suppressed, report.depth_limit_reached = classify(
            source.text, settings=settings, selection=selection, filename=path,
            project=shared_index(settings, cache_dir).view(path))
    except SyntaxError as exc:
        report.problem = f"syntax error: {exc.msg} (line {exc.lineno})"
        return report
    except (ValueError, RecursionError) as exc:
        report.problem = f"cannot check: {type(exc).__name__}: {exc}"
        return report
    report.suppressed = suppressed
    for d, status, reason in classified:
        report.findings.append(ClassifiedFinding(path=path, line=d.line, col=d.col + 1, code=d.code,
                                                 message=d.message, status=status, reason=reason))
    return report


@dataclass(frozen=True)
class _Analysis:
    """``analyze_file`` with the same options for every file (picklable, for the process pool)."""

    settings: Settings
    selection: Selection
    max_file_size: int
    cache_dir: Optional[str] = None

    def __call__(self, path: str) -> FileReport:
        try:
            return analyze_file(path, self.settings, self.selection, self.max_file_size, self.cache_dir)
        except Exception as exc:  # one file's internal error must not lose the report
            return FileReport(path=path, problem=f"internal error: {type(exc).__name__}: {exc}", internal=True)


def _does_not_exist(path: str) -> bool:
    """Only a path that is not there: one that cannot be looked up (too long...) is reported by
    ``analyze_file`` with its own reason."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False


def build_report(paths: Sequence[str], settings: Settings = Settings(), selection: Selection = Selection(),
                 jobs: int = 1, files: Optional[Sequence[str]] = None,
                 problems: Sequence[Tuple[str, str]] = (), max_file_size: int = DEFAULT_MAX_FILE_SIZE,
                 cache_dir: Optional[str] = None) -> Report:
    """The report for ``paths``; ``files`` (and the walk's ``problems``: path, reason) when the caller
    already walked them (with excludes)."""
    from .. import __version__

    if files is None:
        found = plumbing.discover(paths)
        files, problems = found.files, found.problems
    files = list(files)
    missing = [path for path in paths if _does_not_exist(path)]
    files = [f for f in files if f not in missing]
    analyze = _Analysis(settings, selection, max_file_size, cache_dir)
    reports = None
    if jobs > 1 and len(files) > 1:
        reports = map_in_pool(analyze, files, min(jobs, len(files)), chunksize=8)
    if reports is None:
        reports = [analyze(path) for path in files]
    reports.extend(FileReport(path=path, problem=reason) for path, reason in problems)
    return Report(paths=list(paths), version=__version__, files=reports, missing=missing)
