"""The pool of long-lived extraction workers: reused, replaced, and as strict as a fresh child."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from kennisnet.extraction import ExtractionFailed, isolated
from kennisnet.extraction.pool import WorkerPool
from tests.extraction.test_hostile_formats import png_declaring

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.fixture
def pool():
    workers = WorkerPool(idle=1, max_files=3)
    yield workers
    workers.close()


def text_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def extract(pool: WorkerPool, path: Path, kind: str = "text", **limits):  # type: ignore[no-untyped-def]
    options = {"timeout": 30, "memory_mb": 1024, "max_pages": 2000, "max_chars": 5_000_000}
    return isolated.run(path, kind, **{**options, **limits}, pool=pool)


def pids(pool: WorkerPool) -> list[int]:
    return [w.process.pid for w in pool._workers]


def test_one_worker_reads_file_after_file(pool: WorkerPool, tmp_path: Path) -> None:
    first = extract(pool, text_file(tmp_path, "a.txt", "De buurtkamer is open."))
    worker = pids(pool)
    second = extract(pool, text_file(tmp_path, "b.txt", "De moestuin groeit."))
    assert "buurtkamer" in first.text and "moestuin" in second.text
    assert pids(pool) == worker


def test_a_worker_is_replaced_after_its_share_of_files(pool: WorkerPool, tmp_path: Path) -> None:
    seen = []
    for n in range(4):
        extract(pool, text_file(tmp_path, f"{n}.txt", f"Verslag nummer {n}."))
        seen.append(tuple(pids(pool)))
    assert seen[0] == seen[1]
    assert seen[0][0] not in seen[2]  # the third file was its last
    assert seen[3] and seen[3] != seen[0]


def test_a_worker_grown_past_its_share_of_memory_is_replaced(
    pool: WorkerPool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kennisnet.extraction import pool as pool_module

    path = text_file(tmp_path, "a.txt", "De buurtkamer is open.")
    extract(pool, path)
    (worker,) = pool._workers
    assert 0 < worker.resident_mb < 1024 * pool_module.RETIRE_SHARE  # told by its answer
    first = pids(pool)
    extract(pool, path)
    assert pids(pool) == first  # small: kept
    # As if its peak had passed half its limit: a large file, or a slow leak.
    monkeypatch.setattr(pool_module, "RETIRE_SHARE", worker.resident_mb / 2 / 1024)
    extract(pool, path)
    monkeypatch.undo()
    extract(pool, path)  # by its successor
    assert pids(pool) and first[0] not in pids(pool)


def test_a_worker_of_a_large_parent_is_not_taken_for_a_large_worker(
    tmp_path: Path,
) -> None:
    # Linux carries a forking process's peak memory across exec into the child's ru_maxrss:
    # the full test suite, or a long-running web process, is such a parent.
    ballast = b"x" * (700 * 1024 * 1024)
    workers = WorkerPool(idle=1)
    try:
        path = text_file(tmp_path, "a.txt", "De buurtkamer is open.")
        extract(workers, path)
        first = pids(workers)
        extract(workers, path)
        assert first and pids(workers) == first
        assert workers._workers[0].resident_mb < 512
    finally:
        workers.close()
        del ballast


def test_the_successor_starts_before_the_next_file_comes(pool: WorkerPool, tmp_path: Path) -> None:
    for n in range(3):
        extract(pool, text_file(tmp_path, f"{n}.txt", f"Verslag nummer {n}."))
    retired = pool._workers[0].process.pid if pool._workers else None
    deadline = time.monotonic() + 30
    while not pids(pool) or pids(pool) == [retired]:
        assert time.monotonic() < deadline, "no successor was started"
        time.sleep(0.05)
    successor = pids(pool)
    extract(pool, text_file(tmp_path, "next.txt", "Volgend verslag."))
    assert pids(pool) == successor


def test_a_worker_killed_at_the_deadline_is_replaced(pool: WorkerPool) -> None:
    slow = CORPUS / "pdf/nl-coronamelder-duidingsrapportage.pdf"
    with pytest.raises(ExtractionFailed) as failure:
        extract(pool, slow, "pdf", timeout=0.1)
    assert failure.value.code == "timeout"
    assert pids(pool) == []
    result = extract(pool, CORPUS / "pdf/en-multicolumn.pdf", "pdf", max_pages=1)
    assert result.text


def test_a_worker_that_died_idle_does_not_fail_the_next_file(
    pool: WorkerPool, tmp_path: Path
) -> None:
    extract(pool, text_file(tmp_path, "a.txt", "Eerste."))
    (pid,) = pids(pool)
    os.killpg(pid, signal.SIGKILL)
    time.sleep(0.5)  # long dead by the time the next file comes, as in life
    assert "Tweede" in extract(pool, text_file(tmp_path, "b.txt", "Tweede.")).text


def test_a_failure_that_may_have_hurt_the_worker_retires_it(
    pool: WorkerPool, tmp_path: Path
) -> None:
    encrypted = CORPUS / "malformed/enc-rc4-40.pdf"
    with pytest.raises(ExtractionFailed):  # an ordinary refusal keeps the worker
        extract(pool, encrypted, "pdf")
    assert len(pids(pool)) == 1
    bomb = tmp_path / "bom.png"
    bomb.write_bytes(png_declaring(60_000, 60_000))
    with pytest.raises(ExtractionFailed) as failure:
        extract(pool, bomb, "png")
    assert failure.value.code == "too_large"
    assert pids(pool) == []  # out of memory, or nearly: that worker is not used again


def test_the_same_refusal_as_a_fresh_child(pool: WorkerPool) -> None:
    encrypted = CORPUS / "malformed/enc-rc4-40.pdf"
    with pytest.raises(ExtractionFailed) as pooled:
        extract(pool, encrypted, "pdf")
    with pytest.raises(ExtractionFailed) as fresh:
        isolated.run(encrypted, "pdf", timeout=30, memory_mb=1024, max_pages=10, max_chars=10)
    assert (pooled.value.code, pooled.value.message) == (fresh.value.code, fresh.value.message)


def test_warm_workers_wait_for_the_first_file(pool: WorkerPool, tmp_path: Path) -> None:
    pool.warm(1, 1024)
    deadline = time.monotonic() + 60
    while not pids(pool) and time.monotonic() < deadline:
        time.sleep(0.05)
    (pid,) = pids(pool)
    extract(pool, text_file(tmp_path, "a.txt", "Eerste bestand."))
    assert pids(pool) == [pid]


def test_a_worker_runs_the_named_analyser_on_the_text_it_read(
    pool: WorkerPool, tmp_path: Path
) -> None:
    from kennisnet.search.analysis import BODY_ANALYSER, analyse, body_terms

    text = (
        "De vergaderingen van de bewoners-\ncommissie gingen over samen-\nwerking\x00 in de wijk."
    )
    path = text_file(tmp_path, "verslag.txt", text)
    extracted = extract(pool, path, analyser=BODY_ANALYSER)
    assert extracted.analysis == list(body_terms(extracted.text))
    assert "samenwerking" in extracted.analysis[1]  # the hyphenated line end rejoined
    assert extracted.analysis == list(
        analyse(["De vergaderingen van de bewonerscommissie gingen over samenwerking in de wijk."])
    )
    assert extract(pool, path).analysis is None  # only when asked


def test_workers_started_later_load_the_analyser_before_their_limits(
    pool: WorkerPool, tmp_path: Path
) -> None:
    from kennisnet.search.analysis import BODY_ANALYSER

    pool.warm(1, 1024, preload=(BODY_ANALYSER,))
    path = text_file(tmp_path, "a.txt", "Mantelzorgers ontmoeten elkaar in de buurtkamer.")
    for _ in range(4):  # past max_files: a successor starts with the analyser loaded
        assert extract(pool, path, analyser=BODY_ANALYSER).analysis[0]
    assert pool.preload == (BODY_ANALYSER,)
    (worker,) = pool._workers
    assert BODY_ANALYSER in worker.process.args
