"""A zip bomb against the import endpoint: how fast it is refused, and what it costs in memory.

    python -m bench upload [--unpacked-mb 2048]

An .xlsx of about 2 MB whose sheet would inflate to `--unpacked-mb` MB (a real bomb, with honest sizes
in its directory, as a zip tool writes them) is posted to importColleges by an organizer, in a fresh
process that does nothing else: the figures are that process's time for the request and its memory
(resident set before, after, and at its peak). Targets: refused (422 upload_too_large) in under 2 s,
with the process under 100 MB at its peak.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from app.spreadsheets import MAX_XLSX_UNPACKED_MB
from bench.common import ROOT, report

TARGET_SECONDS = 2.0
TARGET_MEMORY_MB = 100.0
#: Runs in a fresh process: an app on a new SQLite file, one organizer, then the upload; prints JSON.
MEASURED = r"""
import json, resource, sys, time
from pathlib import Path
from app import create_app
from app.extensions import db
from app.auth.services import create_user
from app.models import ORGANIZER, utcnow

def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

folder, bomb = Path(sys.argv[1]), Path(sys.argv[2]).read_bytes()
app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 32, "DATABASE_URL": f"sqlite:///{folder / 'upload.db'}",
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
with app.app_context():
    db.create_all()
    create_user(email="organizer@upload.bench", name="组委会", password="bench-password-1", role=ORGANIZER, now=utcnow())
    db.session.commit()
client = app.test_client()
token = client.post("/api/v1/tokens", json={"email": "organizer@upload.bench", "password": "bench-password-1"}).json["token"]
before = rss_mb()
started = time.perf_counter()
response = client.post("/api/v1/colleges/import", headers={"Authorization": f"Bearer {token}"},
                       data={"file": (__import__("io").BytesIO(bomb), "colleges.xlsx")}, content_type="multipart/form-data")
seconds = time.perf_counter() - started
print(json.dumps({"status": response.status_code, "code": (response.json or {}).get("error", {}).get("code"),
                  "message": (response.json or {}).get("error", {}).get("message"), "seconds": round(seconds, 3),
                  "rss_before_mb": round(before, 1), "rss_after_mb": round(rss_mb(), 1),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def zip_bomb(unpacked_mb: int) -> bytes:
    """An .xlsx-shaped archive whose one sheet inflates to `unpacked_mb` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                entry.write(chunk)
    return buffer.getvalue()


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
#: A bomb just past the limit: refused as a large one is.
SMALLEST = f"--unpacked-mb {MAX_XLSX_UNPACKED_MB + 1}".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench upload")
    parser.add_argument("--unpacked-mb", type=int, default=2048)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-upload-"))
    try:
        bomb = zip_bomb(args.unpacked_mb)
        (folder / "bomb.xlsx").write_bytes(bomb)
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, str(folder), str(folder / "bomb.xlsx")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return 1
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    figures = {
        "upload_mb": round(len(bomb) / 1e6, 2),
        "would_unpack_mb": args.unpacked_mb,
        **measured,
        "targets": {
            "seconds_under": TARGET_SECONDS,
            "memory_mb_under": TARGET_MEMORY_MB,
            "refused": measured["status"] == 422 and measured["code"] == "upload_too_large",
            "seconds_met": measured["seconds"] < TARGET_SECONDS,
            "memory_met": measured["peak_rss_mb"] < TARGET_MEMORY_MB,
        },
    }
    report("upload", figures)
    return 0
