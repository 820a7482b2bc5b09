"""`.pre-commit-hooks.yaml`: valid for pre-commit, and the check hook really runs on the example.

- ``test_manifest_is_valid`` validates the file with pre-commit's own manifest schema
  (``pre_commit.clientlib.load_manifest``) and checks what each hook runs.
- ``test_try_repo_runs_the_check_hook_on_the_example`` installs the hook the way users get it,
  with ``pre-commit try-repo``, from a throw-away git copy of this package (the checkout's own git
  state, committed or not, does not matter), and runs it on a git repository holding examples/.
  pre-commit builds a virtualenv and pip-installs the package into it, so it needs ``git`` and a
  package index; it is skipped, with the reason, when either is missing.
- ``test_hook_entry_runs_on_the_example`` runs each hook's ``entry`` as pre-commit would (the
  files appended) without pre-commit, so the behaviour is covered even where the above skips.

pre-commit is not a dependency of the package; ``pip install pre-commit`` enables the first two.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from flake8_pymongo_async import cli

from flake8_alone import FLAKE8

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
EXAMPLE = ROOT / "examples" / "motor_app"
HOOKS = {"flake8-pymongo-async": "check", "flake8-pymongo-async-fix": "fix"}
REPORT = re.compile(r"^(?P<path>\S+?\.py):(?P<line>\d+):(?P<col>\d+): (?P<code>PMA\d{3}) ", re.M)


def _hooks_without_pre_commit() -> List[Dict[str, str]]:
    """The id and entry of each hook, read with a minimal parser (the file is simple YAML)."""
    hooks: List[Dict[str, str]] = []
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(-\s+|\s+)(id|entry):\s*(.+?)\s*$", line)
        if not m:
            continue
        if m.group(1).startswith("-"):
            hooks.append({})
        hooks[-1][m.group(2)] = m.group(3)
    return hooks


def _flake8_findings() -> set:
    result = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", "."], cwd=EXAMPLE,
                            capture_output=True, text=True, timeout=300)
    return {(Path(m["path"]).name, int(m["line"]), m["code"]) for m in REPORT.finditer(result.stdout)}


def _findings(output: str) -> set:
    return {(Path(m["path"]).name, int(m["line"]), m["code"]) for m in REPORT.finditer(output)}


def test_manifest_is_valid() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed "
                                    "(pip install pre-commit); the minimal checks below still run")
    hooks = clientlib.load_manifest(str(MANIFEST))
    assert {h["id"]: h["entry"] for h in hooks} == {
        hook_id: f"flake8-pymongo-async {command}" for hook_id, command in HOOKS.items()
    }
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook["pass_filenames"] is True


def test_manifest_minimal_checks() -> None:
    hooks = _hooks_without_pre_commit()
    assert {h["id"]: h["entry"] for h in hooks} == {
        hook_id: f"flake8-pymongo-async {command}" for hook_id, command in HOOKS.items()
    }
    text = MANIFEST.read_text(encoding="utf-8")
    assert text.count("language: python") == len(HOOKS)
    assert text.count("types: [python]") == len(HOOKS)


@pytest.mark.parametrize("hook_id", sorted(HOOKS))
def test_hook_entry_is_a_command(hook_id: str) -> None:
    command = HOOKS[hook_id]
    if command not in cli.COMMANDS:
        pytest.skip(f"the `{command}` command has not landed yet")
    entry = {h["id"]: h["entry"] for h in _hooks_without_pre_commit()}[hook_id]
    program, subcommand = shlex.split(entry)
    assert program == "flake8-pymongo-async" and subcommand in cli.COMMANDS


def test_hook_entry_runs_on_the_example(tmp_path: Path) -> None:
    """What pre-commit runs: the entry with the staged files appended, from the project root."""
    exe = shutil.which("flake8-pymongo-async")
    if exe is None:
        pytest.skip("the flake8-pymongo-async console script is not installed (pip install -e .)")
    entry = {h["id"]: h["entry"] for h in _hooks_without_pre_commit()}["flake8-pymongo-async"]
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project / "motor_app")
    files = sorted(str(p.relative_to(project)) for p in (project / "motor_app").glob("*.py"))
    argv = [exe, *shlex.split(entry)[1:], *files]
    result = subprocess.run(argv, cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert _findings(result.stdout) == _flake8_findings()
    assert result.stderr == ""


def _git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=120)


def _hook_repository(target: Path) -> Path:
    """A git repository with what pip needs to install the package, plus the hook manifest."""
    target.mkdir()
    for name in ("pyproject.toml", "setup.cfg", "README.md", ".pre-commit-hooks.yaml", "CHANGELOG.md"):
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "flake8_pymongo_async", target / "flake8_pymongo_async",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "hooks", cwd=target)
    return target


@pytest.mark.slow
def test_try_repo_runs_the_check_hook_on_the_example(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")
    if shutil.which("git") is None:
        pytest.skip("pre-commit try-repo needs git, which is not installed")
    hooks = _hook_repository(tmp_path / "hooks")
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project / "motor_app")
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "flake8-pymongo-async", "--all-files",
         "--verbose"],
        cwd=project, capture_output=True, text=True, timeout=900, env=env,
    )
    output = result.stdout + result.stderr
    if "- hook id: flake8-pymongo-async" not in output:
        # The hook never ran: pre-commit could not build its environment (offline, no index...).
        log = tmp_path / "cache" / "pre-commit.log"
        detail = (log.read_text(encoding="utf-8", errors="replace") if log.is_file() else output)[-2000:]
        if re.search(r"pip|network|connection|resolve|index|timed out", detail, re.I):
            pytest.skip(f"pre-commit could not install the hook environment here:\n{detail}")
        pytest.fail(f"pre-commit did not run the hook:\n{output}")
    assert result.returncode == 1, output  # the example has findings: the hook fails the commit
    assert re.search(r"^flake8-pymongo-async\.+Failed$", output, re.M), output
    assert _findings(output) == _flake8_findings()
