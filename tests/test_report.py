"""`report`: markdown, JSON and a self-contained HTML page for a codebase (here: examples/)."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import pytest

from flake8_pymongo_async import cli
from flake8_pymongo_async.fix.engine import fix_text
from flake8_pymongo_async.report.collect import build_report
from flake8_pymongo_async.report.render import COLORS, chart_svg

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["report", "-j", "1", *map(str, args)])
    finally:
        os.chdir(old)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def report_json():
    code, out, _ = run("examples/", "--format", "json")
    assert code == 1  # findings
    return json.loads(out)


def test_json_totals_are_consistent(report_json):
    summary = report_json["summary"]
    assert summary["files_checked"] == 4
    assert summary["findings"] == summary["safe"] + summary["unsafe"] + summary["manual"] > 0
    rules = report_json["rules"]
    assert sum(r["count"] for r in rules) == summary["findings"]
    for r in rules:
        assert r["count"] == r["safe"] + r["unsafe"] + r["manual"]
        assert r["docs"] == f"docs/rules/{r['code']}.md" and (ROOT / r["docs"]).exists()
        assert r["guide"].startswith("https://")
    files = report_json["files"]
    assert sum(f["findings"] for f in files) == summary["findings"]
    statuses = Counter(d["fix"] for f in files for d in f["diagnostics"])
    assert statuses == Counter({k: summary[k] for k in ("safe", "unsafe", "manual") if summary[k]})


def test_json_matches_what_fix_does(report_json):
    """"safe" is what `fix` applies in one run, "unsafe" what --unsafe-fixes adds."""
    safe = unsafe = 0
    for path in sorted(EXAMPLES.rglob("*.py")):
        text = path.read_text()
        safe += sum(fix_text(text).applied.values())
        unsafe += sum(fix_text(text, unsafe=True).applied.values())
    assert report_json["summary"]["safe"] == safe
    assert report_json["summary"]["safe"] + report_json["summary"]["unsafe"] == unsafe


def test_json_lists_manual_findings_with_reasons(report_json):
    manual = [d for f in report_json["files"] for d in f["diagnostics"] if d["fix"] == "manual"]
    assert {d["code"] for d in manual} == {"PMA103", "PMA104", "PMA105", "PMA108"}


def test_markdown(report_json):
    code, out, _ = run("examples/")
    assert code == 1  # findings
    assert out.startswith("# Motor → PyMongo Async migration report\n")
    assert "## By rule" in out and "## By file" in out and "## Needs a person" in out
    for rule in report_json["rules"]:
        assert f"| {rule['code']} | {rule['name']} | {rule['count']} |" in out
        assert f"[docs/rules/{rule['code']}.md](docs/rules/{rule['code']}.md)" in out
    assert "`examples/motor_app/users.py`" in out


class _Checker(HTMLParser):
    VOID = {"meta", "br", "img", "hr", "input", "link", "rect", "line"}

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.errors = [], Counter(), []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        if tag not in self.VOID:
            self.stack.append(tag)
        for name, value in attrs:
            if name in ("src", "srcset") or (tag == "link" and name == "href"):
                self.errors.append(f"external asset {tag} {name}={value}")

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def test_html_is_one_self_contained_well_formed_page(tmp_path):
    target = tmp_path / "report.html"
    code, out, err = run("examples/", "--format", "html", "-o", target)
    assert code == 1 and out == ""  # findings
    assert f"Wrote html report to {target}" in err
    page = target.read_text(encoding="utf-8")
    checker = _Checker()
    checker.feed(page)
    assert not checker.errors and not checker.stack
    assert checker.tags["svg"] == 1 and checker.tags["style"] == 1 and checker.tags["script"] == 0
    assert not re.search(r"@import|url\(|<link|<script|<img|<iframe", page)
    assert page.count("<rect") >= 14  # one bar segment per rule at least, plus the legend
    for color in COLORS.values():
        assert color in page


def test_chart_scales_and_escapes():
    from flake8_pymongo_async.report.collect import RuleRow

    rows = [RuleRow("PMA101", "motor-import", "sometimes", 120, 100, 0, 20, 9, "docs/rules/PMA101.md",
                    "https://x"),
            RuleRow("PMA999", "<evil>&", "none", 3, 0, 0, 3, 1, "d", "https://x")]
    svg = chart_svg(rows)
    assert "&lt;evil&gt;&amp;" in svg and "<evil>" not in svg
    assert ">120<" in svg and ">0<" in svg
    assert chart_svg([]) == ""


def test_unreadable_and_broken_files_are_listed_not_fatal(tmp_path):
    (tmp_path / "broken.py").write_text("import motor\ndef f(:\n")
    (tmp_path / "ok.py").write_text("import motor.motor_asyncio\n")
    report = build_report([str(tmp_path)])
    problems = {Path(f.path).name: f.problem for f in report.files if f.problem}
    assert problems.keys() == {"broken.py"} and problems["broken.py"].startswith("syntax error")
    assert report.totals()["findings"] == 1
    code, out, _ = run(tmp_path)
    assert code == 1 and "## Not checked" in out and "broken.py" in out


def test_empty_report(tmp_path):
    (tmp_path / "plain.py").write_text("print('no driver here')\n")
    code, out, _ = run(tmp_path, "--format", "html")
    assert code == 0 and "No findings" in out and "<svg" not in out


def test_missing_path_exits_1(tmp_path):
    code, _, err = run(tmp_path / "nope")
    assert code == 1 and "no such file or directory" in err  # a path not checked


# ---------------------------------------------------------------------- the page in a browser
def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _png_pixels(data: bytes):
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes) into rows of (r, g, b)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium (apt-get install chromium)")
def test_html_renders_in_headless_chromium(tmp_path):
    page = tmp_path / "report.html"
    code, _, _ = run("examples/", "--format", "html", "-o", page)
    assert code == 0
    shot = tmp_path / "report.png"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1200,1400", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 20_000
    width, height, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 1400)
    counts = Counter()
    targets = {name: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for name, c in COLORS.items()}
    for row in rows[::2]:
        for pixel in row[::2]:
            for name, rgb in targets.items():
                if sum(abs(p - q) for p, q in zip(pixel, rgb)) < 30:
                    counts[name] += 1
    # The tiles, the progress bar and the chart's bars show all three colours in quantity.
    assert all(counts[name] > 500 for name in targets), counts
