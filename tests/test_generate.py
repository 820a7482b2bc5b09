"""``scripts/generate.py``: the one command behind every generator, outside the package."""
from __future__ import annotations

import sys

import pytest

from generators import load_script

generate = load_script("generate")


def test_every_generator_is_a_script_with_a_main() -> None:
    for module_name in generate.GENERATORS.values():
        assert callable(load_script(module_name).main), module_name


def test_docs_are_up_to_date() -> None:
    assert generate.main(["--check", "docs"]) == 0


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the API tables introspect pymongo 4.20.0 (Python 3.11+)")
def test_everything_is_up_to_date() -> None:
    assert generate.main(["--check"]) == 0


def test_check_reports_a_stale_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    class Stale:
        @staticmethod
        def main(argv: list) -> int:
            calls.append(argv)
            return 1

    monkeypatch.setattr(generate, "load", lambda module_name: Stale)
    assert generate.main(["--check", "docs"]) == 1
    assert calls == [["--check"]]


def test_unknown_generator_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        generate.main(["nope"])
    assert exit_info.value.code == 2 and "unknown generator 'nope'" in capsys.readouterr().err
