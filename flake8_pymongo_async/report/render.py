"""The report as markdown (for a ticket or a PR), JSON (for tools) and HTML (one self-contained
page: inline CSS and an inline SVG chart, no script, no network asset)."""
from __future__ import annotations

import html
import json
from typing import Callable, Dict, List

from ..files import display
from ..defaults import PROG
from ..plumbing import ReportFormat
from .collect import ClassifiedFinding, Report, RuleRow

TITLE = "Motor → PyMongo Async migration report"
COLORS = {"safe": "#2e7d32", "unsafe": "#ef8f00", "manual": "#c62828"}
PLAIN_LABELS = {"safe": "fixed by fix", "unsafe": "fix --unsafe-fixes", "manual": "needs a person"}


# ---------------------------------------------------------------------- JSON
def to_json(report: Report) -> str:
    data = {
        "tool": PROG,
        "version": report.version,
        "paths": [display(p) for p in report.paths],
        "summary": report.totals(),
        "rules": [row.__dict__ for row in report.rules()],
        "files": [
            {
                "path": display(f.path),
                "findings": len(f.findings),
                **{status: f.counts()[status] for status in ("safe", "unsafe", "manual")},
                "suppressed": f.suppressed,
                "problem": display(f.problem) if f.problem else None,
                "diagnostics": [
                    {"line": x.line, "column": x.col, "code": x.code, "message": x.message, "fix": x.status,
                     **({"why_manual": x.reason} if x.reason else {})}
                    for x in f.findings
                ],
            }
            for f in report.files
        ],
        "missing_paths": [display(p) for p in report.missing],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------- markdown
def _md(text: str) -> str:
    return display(text).replace("|", "\\|").replace("\n", " ")


def no_findings(report: Report) -> str:
    """The line shown when nothing was found: not "nothing to migrate" if a file was not checked."""
    not_checked = report.totals()["files_not_checked"] + len(report.missing)
    if not_checked:
        return (f"No findings in the files checked, but {not_checked} "
                f"{'path was' if not_checked == 1 else 'paths were'} not checked (see below).")
    return "No findings: nothing to migrate."


def to_markdown(report: Report) -> str:
    t = report.totals()
    out: List[str] = [f"# {TITLE}", ""]
    out.append(f"Paths: {', '.join(f'`{_md(p)}`' for p in report.paths)} · flake8-pymongo-async {report.version}")
    out.append("")
    out.append("| | count |")
    out.append("|---|---:|")
    out.append(f"| files checked | {t['files_checked']} |")
    out.append(f"| files with findings | {t['files_with_findings']} |")
    out.append(f"| findings | {t['findings']} |")
    out.append(f"| fixed by `flake8-pymongo-async fix` (safe) | {t['safe']} |")
    out.append(f"| fixed by `fix --unsafe-fixes` (review the diff) | {t['unsafe']} |")
    out.append(f"| need a person | {t['manual']} |")
    if t["suppressed"]:
        out.append(f"| silenced by `# noqa` (not counted) | {t['suppressed']} |")
    if t["files_not_checked"]:
        out.append(f"| files not checked (see below) | {t['files_not_checked']} |")
    out.append("")
    rows = report.rules()
    if not rows:
        out.append(no_findings(report))
        out.append("")
    else:
        out.append("## By rule")
        out.append("")
        out.append("| rule | name | findings | files | safe fix | unsafe fix | needs a person | docs |")
        out.append("|---|---|---:|---:|---:|---:|---:|---|")
        for r in rows:
            out.append(f"| {r.code} | {r.name} | {r.count} | {r.files} | {r.safe} | {r.unsafe} | "
                       f"{r.manual} | [{r.docs}]({r.docs}) · [guide]({r.guide}) |")
        out.append("")
        out.append("## By file")
        out.append("")
        out.append("| file | findings | safe fix | unsafe fix | needs a person |")
        out.append("|---|---:|---:|---:|---:|")
        for f in sorted((f for f in report.files if f.findings), key=lambda f: (-len(f.findings), f.path)):
            c = f.counts()
            out.append(f"| `{_md(f.path)}` | {len(f.findings)} | {c['safe']} | {c['unsafe']} | "
                       f"{c['manual']} |")
        out.append("")
        manual = [x for x in report.findings if x.status == "manual"]
        if manual:
            out.append("## Needs a person")
            out.append("")
            for code, found in _by_code(manual).items():
                row = next(r for r in rows if r.code == code)
                out.append(f"### {code} {row.name} ({len(found)}) — [{row.docs}]({row.docs})")
                out.append("")
                for x in found:
                    why = f" *(not auto-fixed: {_md(x.reason)})*" if x.reason else ""
                    out.append(f"- `{_md(x.path)}:{x.line}:{x.col}` {_md(x.message)}{why}")
                out.append("")
    problems = [f for f in report.files if f.problem]
    if problems or report.missing:
        out.append("## Not checked")
        out.append("")
        for f in problems:
            out.append(f"- `{_md(f.path)}`: {_md(f.problem or '')}")
        for path in report.missing:
            out.append(f"- `{_md(path)}`: no such file or directory")
        out.append("")
    out.append("Next step: `flake8-pymongo-async fix PATH` applies the safe fixes; "
               "`--unsafe-fixes` adds the others (review the diff: `--diff`).")
    out.append("")
    return "\n".join(out)


def _by_code(findings: List[ClassifiedFinding]) -> Dict[str, List[ClassifiedFinding]]:
    grouped: Dict[str, List[ClassifiedFinding]] = {}
    for x in sorted(findings, key=lambda x: (x.code, x.path, x.line, x.col)):
        grouped.setdefault(x.code, []).append(x)
    return grouped


# ---------------------------------------------------------------------- HTML
_CSS = """
:root { --safe: #2e7d32; --unsafe: #ef8f00; --manual: #c62828; --ink: #1f2328; --muted: #59636e;
        --line: #d1d9e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 0 0 20px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--bg); }
.tile .n { font-size: 28px; font-weight: 600; line-height: 1.1; }
.tile .l { color: var(--muted); font-size: 12.5px; }
.tile.safe { border-left: 5px solid var(--safe); } .tile.unsafe { border-left: 5px solid var(--unsafe); }
.tile.manual { border-left: 5px solid var(--manual); }
.progress { display: flex; height: 14px; border-radius: 7px; overflow: hidden; margin: 16px 0 6px;
            background: var(--bg); border: 1px solid var(--line); }
.progress span { display: block; height: 100%; }
.legend { color: var(--muted); font-size: 12.5px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
ul.findings { margin: 4px 0 0; padding-left: 18px; } ul.findings li { margin: 2px 0; }
li code { background: var(--bg); border-radius: 4px; padding: 0 3px; }
li code.loc { background: none; padding: 0; }
.why { color: var(--muted); font-style: italic; }
svg text { font: 12px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: var(--ink); }
svg .axis { fill: var(--muted); font-size: 11px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12.5px; }
"""


def _e(text: object) -> str:
    return html.escape(display(str(text)), quote=True)


def _rich(text: str) -> str:
    """Escape a message and show its `code spans` as <code>."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: plain text
        return _e(text)
    return "".join(f"<code>{_e(p)}</code>" if i % 2 else _e(p) for i, p in enumerate(parts))


def chart_svg(rows: List[RuleRow]) -> str:
    """A horizontal stacked bar per rule: safe / unsafe / needs a person."""
    if not rows:
        return ""
    label_w, bar_w, row_h, top, bottom = 290, 560, 26, 40, 30
    total_w = label_w + bar_w + 60
    height = top + row_h * len(rows) + bottom
    peak = max(r.count for r in rows)
    step = _nice_step(peak)
    scale_max = step * -(-peak // step)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{total_w}" height="{height}" '
             f'viewBox="0 0 {total_w} {height}" aria-labelledby="chart-title">',
             '<title id="chart-title">Findings per rule, by what fixes them</title>']
    lx = float(label_w)
    for status in ("safe", "unsafe", "manual"):  # the legend, so the chart reads on its own
        parts.append(f'<rect x="{lx:.1f}" y="6" width="12" height="12" rx="2" fill="{COLORS[status]}"/>')
        parts.append(f'<text x="{lx + 17:.1f}" y="16">{PLAIN_LABELS[status]}</text>')
        lx += 17 + 8 * len(PLAIN_LABELS[status]) + 22
    x = 0
    while x <= scale_max:
        gx = label_w + bar_w * x / scale_max
        parts.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - bottom + 4}" '
                     f'stroke="#d1d9e0" stroke-width="1"/>')
        parts.append(f'<text class="axis" x="{gx:.1f}" y="{height - bottom + 18}" '
                     f'text-anchor="middle">{x}</text>')
        x += step
    for i, r in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 10}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">'
                     f'{_e(r.code)} {_e(r.name)}</text>')
        cursor = float(label_w)
        for status in ("safe", "unsafe", "manual"):
            value = getattr(r, status)
            if not value:
                continue
            width = bar_w * value / scale_max
            parts.append(f'<rect x="{cursor:.1f}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" '
                         f'fill="{COLORS[status]}"><title>{_e(r.code)}: {value} {PLAIN_LABELS[status]}'
                         f'</title></rect>')
            cursor += width
        parts.append(f'<text x="{cursor + 6:.1f}" y="{y + row_h / 2 + 4:.1f}">{r.count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 8:
            return step
    return max(1, peak // 8)


def to_html(report: Report) -> str:
    t = report.totals()
    rows = report.rules()
    total = max(t["findings"], 1)
    h: List[str] = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
                    '<meta name="viewport" content="width=device-width, initial-scale=1">',
                    f"<title>{_e(TITLE)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>"]
    h.append(f"<h1>{_e(TITLE)}</h1>")
    not_checked = t["files_not_checked"] + len(report.missing)
    h.append(f'<p class="meta">{_e(", ".join(report.paths))} · {t["files_checked"]} files checked · '
             + (f'{not_checked} not checked · ' if not_checked else '') +
             f'flake8-pymongo-async {_e(report.version)}</p>')
    h.append('<div class="tiles">')
    for cls, n, label in (("", t["findings"], f'findings in {t["files_with_findings"]} files'),
                          ("safe", t["safe"], "fixed by <code>fix</code> (safe)"),
                          ("unsafe", t["unsafe"], "fixed by <code>fix --unsafe-fixes</code> (review)"),
                          ("manual", t["manual"], "need a person")):
        h.append(f'<div class="tile {cls}"><div class="n">{n}</div><div class="l">{label}</div></div>')
    h.append("</div>")
    if t["findings"]:
        h.append('<div class="progress" aria-hidden="true">')
        for status in ("safe", "unsafe", "manual"):
            if t[status]:
                share = 100 * t[status] / total
                h.append(f'<span style="width:{share:.2f}%;background:{COLORS[status]}"></span>')
        h.append("</div>")
        pct = {s: round(100 * t[s] / total) for s in ("safe", "unsafe", "manual")}
        h.append(f'<div class="legend"><i style="background:{COLORS["safe"]}"></i>safe fix {pct["safe"]}%'
                 f'<i style="background:{COLORS["unsafe"]}"></i>unsafe fix {pct["unsafe"]}%'
                 f'<i style="background:{COLORS["manual"]}"></i>needs a person {pct["manual"]}%</div>')
    if t["suppressed"]:
        h.append(f'<p class="meta">{t["suppressed"]} more silenced by <code># noqa</code> (not counted).</p>')
    if not rows:
        h.append(f"<p>{_e(no_findings(report))}</p>")
    else:
        h.append("<h2>Findings per rule</h2>")
        h.append(chart_svg(rows))
        h.append("<table><thead><tr><th>rule</th><th>name</th><th class='n'>findings</th>"
                 "<th class='n'>files</th><th class='n'>safe fix</th><th class='n'>unsafe fix</th>"
                 "<th class='n'>needs a person</th>"
                 "<th>docs</th></tr></thead><tbody>")
        for r in rows:
            h.append(f"<tr><td><code>{_e(r.code)}</code></td><td>{_e(r.name)}</td>"
                     f"<td class='n'>{r.count}</td><td class='n'>{r.files}</td><td class='n'>{r.safe}</td>"
                     f"<td class='n'>{r.unsafe}</td>"
                     f"<td class='n'>{r.manual}</td><td><a href='{_e(r.docs)}'>{_e(r.docs)}</a> · "
                     f"<a href='{_e(r.guide)}'>migration guide</a></td></tr>")
        h.append("</tbody></table>")
        h.append("<h2>Files</h2>")
        h.append("<table><thead><tr><th>file</th><th class='n'>findings</th><th class='n'>safe fix</th>"
                 "<th class='n'>unsafe fix</th><th class='n'>needs a person</th></tr></thead><tbody>")
        for f in sorted((f for f in report.files if f.findings), key=lambda f: (-len(f.findings), f.path)):
            c = f.counts()
            h.append(f"<tr><td><code>{_e(f.path)}</code></td><td class='n'>{len(f.findings)}</td>"
                     f"<td class='n'>{c['safe']}</td><td class='n'>{c['unsafe']}</td>"
                     f"<td class='n'>{c['manual']}</td></tr>")
        h.append("</tbody></table>")
        manual = [x for x in report.findings if x.status == "manual"]
        if manual:
            h.append("<h2>Needs a person</h2>")
            for code, found in _by_code(manual).items():
                row = next(r for r in rows if r.code == code)
                h.append(f"<h3><code>{_e(code)}</code> {_e(row.name)} ({len(found)}) · "
                         f"<a href='{_e(row.docs)}'>docs</a></h3><ul class='findings'>")
                for x in found:
                    why = f" <span class='why'>(not auto-fixed: {_rich(x.reason)})</span>" if x.reason else ""
                    where = f"{_e(x.path)}:{x.line}:{x.col}"
                    h.append(f"<li><code class='loc'>{where}</code> {_rich(x.message)}{why}</li>")
                h.append("</ul>")
    problems = [f for f in report.files if f.problem]
    if problems or report.missing:
        h.append("<h2>Not checked</h2><ul class='findings'>")
        for f in problems:
            h.append(f"<li><code>{_e(f.path)}</code>: {_e(f.problem)}</li>")
        for path in report.missing:
            h.append(f"<li><code>{_e(path)}</code>: no such file or directory</li>")
        h.append("</ul>")
    h.append("<footer>Next step: <code>flake8-pymongo-async fix PATH</code> applies the safe fixes; "
             "<code>--unsafe-fixes</code> adds the others (review them with <code>--diff</code>).</footer>")
    h.extend(["</main>", "</body>", "</html>", ""])
    return "\n".join(h)


RENDERERS: Dict[ReportFormat, Callable[[Report], str]] = {"markdown": to_markdown, "json": to_json, "html": to_html}
