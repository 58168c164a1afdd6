"""The import benchmark still runs: a few generated files of each mix, one upload of each kind."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_import_runs_every_mix(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--docs", "6", "--mix", "mixed", "--uploads", "1"]) == 0
    assert bench.main(["--docs", "2", "--mix", "pdf", "--pdf-pages", "3", "--uploads", "0"]) == 0
    out = capsys.readouterr().out
    assert "6 documents (mixed), 6 PDF pages" in out
    assert "2 documents (pdf), 6 PDF pages" in out
    assert len(re.findall(r"kennisnet import: \d+ docs/s \(\d\.\d\d of the ceiling\)", out)) == 2
    assert len(re.findall(r"upload to found, [\w -]+: p50", out)) == 4
