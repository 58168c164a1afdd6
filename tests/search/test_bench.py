"""The search benchmark still runs: a tiny corpus through every engine and mode."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"test corpus not found at {CORPUS}")
def test_bench_search_runs_every_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import search as bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    out = tmp_path / "bench.json"
    engines = ",".join(bench.ENGINES)
    argv = ["--docs", "40", "--queries", "5", "--warmup", "1", "--words", "80", "--engines"]
    assert bench.main([*argv, engines, "--json", str(out), "--tmp", str(tmp_path)]) == 0
    report = json.loads(out.read_text())
    assert set(report["engines"]) == set(bench.ENGINES)
    for figures in report["engines"].values():
        assert all(figures[mode]["p95"] >= 0 for mode in bench.MODES)
    printed = capsys.readouterr().out
    assert "Kennisnet relative to the others" in printed
    assert "postgres / fts5" in printed
    assert report["engines"]["kennisnet-postgres"]["index_mb"] > 0
    assert "postgres_vs_fts5" in report["ratios"]
