"""File store speed: the local folder against an S3 server, in the same run.

    .venv/bin/python bench/storage.py [--files 50] [--mb 1] [--json out.json]

For each store it puts ``--files`` distinct random files of ``--mb`` MB (hash, then write or
PUT), puts them again (the content-addressed skip), reads each back whole through
``store.open`` and copies each to a local path (what extraction gets), then downloads each
through the app's download route (streamed, visibility checked). The S3 store talks HTTP to
moto's server mode on loopback (tests/s3server.py), so its figures are a floor for the protocol
overhead, not a measure of any real object store or network.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from kennisnet.core.extensions import db  # noqa: E402
from kennisnet.core.storage import Store, file_store  # noqa: E402
from kennisnet.curation import categories  # noqa: E402
from tests import s3server  # noqa: E402
from tests.conftest import make_app  # noqa: E402
from tests.factories import make_document, make_user  # noqa: E402


def timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def run_store(storage_url: str, files: list[bytes]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="kn-bench-storage-") as work:
        app = make_app(Path(work), STORAGE_URL=storage_url, TASKS_IMMEDIATE=True)
        with app.app_context():
            upgrade()
            categories.seed()
            store: Store = file_store()
            names: list[str] = []
            put = timed(lambda: names.extend(store.put(BytesIO(f)).relative_path for f in files))
            again = timed(lambda: [store.put(BytesIO(f)) for f in files])

            def read_all() -> None:
                for name in names:
                    with store.open(name).file as handle:
                        handle.read()

            def copy_all() -> None:
                for name in names:
                    with store.local_path(name) as path:
                        path.stat()

            read = timed(read_all)
            copy = timed(copy_all)
            user = make_user()
            docs = [
                make_document(user, content=f, filename=f"f{i}.txt") for i, f in enumerate(files)
            ]
            client = app.test_client()

            def download_all() -> None:
                for doc in docs:
                    response = client.get(f"/documenten/{doc.id}/bestand")
                    assert response.status_code == 200
                    response.get_data()
                    response.close()

            download = timed(download_all)
            db.session.remove()
            db.engine.dispose()
    total_mb = sum(len(f) for f in files) / 1e6
    return {
        "put_mb_s": total_mb / put,
        "put_again_ms_per_file": again * 1000 / len(files),
        "read_mb_s": total_mb / read,
        "local_copy_mb_s": total_mb / copy,
        "download_mb_s": total_mb / download,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    size = int(args.mb * 1024 * 1024)
    # Text bytes, so each becomes a document that the download route can serve.
    files = [(os.urandom(size // 2).hex()[:size]).encode() for _ in range(args.files)]
    server = s3server.server()
    os.environ.update(server.env)
    results = {
        "local": run_store("", files),
        "s3 (moto, loopback)": run_store(server.new_bucket(), files),
    }
    server.stop()
    keys = list(results["local"])
    print(f"{args.files} files of {args.mb} MB")
    print(f"{'figure':24} " + " ".join(f"{name:>22}" for name in results) + "   s3/local")
    for key in keys:
        local, s3 = results["local"][key], results["s3 (moto, loopback)"][key]
        print(f"{key:24} {local:22.1f} {s3:22.1f}   {s3 / local:8.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
