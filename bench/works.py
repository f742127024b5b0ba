"""Works at scale: teams handing in PDFs over HTTP against `cp`, a provincial round's zip against reading its
files, and a judge's sheet page with its works at 50,000 assignments.

    python -m bench works [--teams 1000] [--mb 5] [--clients 2] [--sheet-teams 10000] [--database-url URL]

Hand-in and zip (the default):
1. `bench.populate` (N imported teams), all approved, a round with one required PDF item (`plan`, up to 50 MB,
   20 pages) and every team entered; `--clients` captain accounts own the teams between them.
2. gunicorn (2 workers): each captain puts a distinct `--mb` MB PDF (a one-page document holding a random
   image, so that no two teams' bytes are the same) for each of its teams through `submitWork`, one after the
   other, all captains at once. Every answer must be 201. The workers' resident memory is read from /proc
   every half second: its growth over the run says whether a worker holds the files it streams.
3. `cp`: the same PDFs (the first `--cp-files` of them, written to a folder first) copied to a new folder
   and synced, as the disk's write rate; then copied again file by file, each synced before the next, as the
   store does. The factors are each copy's MB/s over the hand-in's.
4. The round's zip (`downloadRoundWorks`) read by the organizer (curl) to its end, against reading the same stored
   files one after the other; both with the page cache dropped first when the machine allows it (root), else
   both from the cache, and the report says which.

Sheet (unless `--sheet-teams 0`), on a new database: `bench.judging.setup` (a national round of `--sheet-teams` teams × 5 judges), each team
given a PDF and a store link as its works, the round opened; a judge signs in through the form and opens the
sheet pages of their assignments, `--repeat` times in all: p50/p95 against the 150 ms target.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import insert, select, update

from app.auth.services import create_user
from app.extensions import db
from app.judging.services import add_entries, create_round
from app.models import CAPTAIN, Assignment, Contest, Entry, Round, Team, User, Work, utcnow
from app.storage import storage
from bench.common import HttpClient, fresh_app, gunicorn, load_average, report, server_pid, summary_ms
from bench.judging import FAST_HASH, JUDGE_PASSWORD, _organizer, approve_all, form_login, setup, token_for
from bench.populate import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, populate

CAPTAIN_PASSWORD = "captain-password-1"
TARGET_SHEET_P95_MS = 150
#: The zip must stream at least this share of the disk's read rate.
TARGET_ZIP_SHARE = 0.5
REQUIREMENTS = [
    {"key": "plan", "name": "商业计划书", "kind": "file", "types": ["pdf"], "max_mb": 50, "max_pages": 20, "required": True},
    {"key": "store", "name": "店铺链接", "kind": "link", "required": False},
]


def pdf_bytes(unique: int, megabytes: float, noise: bytes) -> bytes:
    """A valid one-page PDF of about `megabytes` MB: the page draws an uncompressed RGB image whose first
    bytes are `unique`, the rest `noise` (random, so that nothing compresses it), so every team's file differs."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    pixels = side * side * 3
    image = unique.to_bytes(8, "big") + noise[: pixels - 8]
    image += bytes(pixels - len(image))
    drawing = f"q {side} 0 0 {side} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side} {side}] /Resources << /XObject << /Im0 4 0 R >> >> "
        f"/Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceRGB /BitsPerComponent 8 "
        f"/Length {pixels} >>\nstream\n".encode()
        + image
        + b"\nendstream",
        f"<< /Length {len(drawing)} >>\nstream\n".encode() + drawing + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "laurel-bench-" + os.urandom(8).hex()
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class MemoryWatch:
    """The resident memory of a gunicorn's workers (the children of its master), read every half second."""

    def __init__(self, master: int):
        self.master, self.samples = master, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _workers_mb(self) -> list[float]:
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.master) and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sizes

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self.samples.append(max(self._workers_mb(), default=0.0))

    def __enter__(self):
        self.before = max(self._workers_mb(), default=0.0)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def figures(self) -> dict:
        peak = max(self.samples, default=self.before)
        # The largest worker's size at each quarter of the run: flat when a worker streams what it receives.
        samples = self.samples or [self.before]
        quarters = [round(samples[min(len(samples) - 1, len(samples) * q // 4)], 1) for q in (1, 2, 3, 4)]
        return {
            "worker_rss_before_mb": round(self.before, 1),
            "worker_rss_peak_mb": round(peak, 1),
            "worker_rss_by_quarter_mb": quarters,
            "samples": len(self.samples),
        }


def drop_page_cache() -> bool:
    """Drop the kernel's page cache (root only), so that a read is a read of the disk."""
    subprocess.run(["sync"], check=True)
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def handin_world(app, teams: int, clients: int, seed: int) -> dict:
    population = populate(app, teams, seed)
    with app.app_context():
        approve_all(population.contest_id, teams)
        contest = db.session.get(Contest, population.contest_id)
        data = {
            "name": "省赛函评",
            "level": "provincial",
            "criteria": [{"key": "plan", "name": "计划书", "max": 100}],
            "requirements": REQUIREMENTS,
            "works_due_at": utcnow().replace(year=utcnow().year + 1),
        }
        round_id = create_round(contest, data, actor=_organizer(), now=utcnow()).id
        add_entries(db.session.get(Round, round_id), all_approved=True, actor=_organizer(), now=utcnow())
        captains = []
        for index in range(clients):
            user = create_user(
                email=f"captain{index:02d}@works.bench.laurel",
                name=f"队长{index}",
                password=CAPTAIN_PASSWORD,
                role=CAPTAIN,
                now=utcnow(),
                actor=_organizer(),
            )
            captains.append((user.id, user.email))
        db.session.flush()
        team_ids = db.session.scalars(select(Entry.team_id).where(Entry.round_id == round_id).order_by(Entry.team_id)).all()
        for index, (captain_id, _email) in enumerate(captains):
            mine = team_ids[index::clients]
            db.session.execute(update(Team).where(Team.id.in_(mine)).values(owner_id=captain_id))
        db.session.commit()
    return {"round_id": round_id, "captains": captains, "team_ids": team_ids}


def hand_in(base: str, world: dict, megabytes: float, noise: bytes, master: int) -> dict:
    round_id, captains, team_ids = world["round_id"], world["captains"], world["team_ids"]
    failures: list[str] = []
    latencies: list[float] = []
    sent = [0]

    def captain(index: int, email: str) -> None:
        client = HttpClient(base, timeout=300, headers={"Authorization": f"Bearer {token_for(base, email, CAPTAIN_PASSWORD)}"})
        try:
            for team_id in team_ids[index :: len(captains)]:
                body, content_type = multipart(f"计划书-{team_id}.pdf", pdf_bytes(team_id, megabytes, noise))
                status, _headers, answer, seconds = client.request(
                    "PUT", f"/api/v1/rounds/{round_id}/works/{team_id}/plan", data=body, headers={"Content-Type": content_type}
                )
                if status != 201:
                    failures.append(f"team {team_id}: {status} {answer[:200]!r}")
                    return
                latencies.append(seconds)
                sent[0] += len(body)
        finally:
            client.close()

    threads = [threading.Thread(target=captain, args=(index, email)) for index, (_id, email) in enumerate(captains)]
    with MemoryWatch(master) as memory:
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} hand-ins failed, the first: {failures[0]}")
    return {
        "files": len(latencies),
        "bytes": sent[0],
        "seconds": round(seconds, 2),
        "mb_per_s": round(sent[0] / seconds / 2**20, 1),
        "per_file": summary_ms(latencies),
        **memory.figures(),
    }


def copy_rate(files: int, megabytes: float, noise: bytes) -> dict:
    """`cp` of `files` of the same PDFs from one folder to a new one, then `sync`: the disk's write rate."""
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-cp-"))
    try:
        source, target = folder / "source", folder / "target"
        source.mkdir()
        total = 0
        for index in range(files):
            content = pdf_bytes(index + 1, megabytes, noise)
            (source / f"{index}.pdf").write_bytes(content)
            total += len(content)
        subprocess.run(["sync"], check=True)
        started = time.perf_counter()
        subprocess.run(["cp", "-r", str(source), str(target)], check=True)
        subprocess.run(["sync"], check=True)
        seconds = time.perf_counter() - started
        # The store makes each file durable before it answers (fsync, then rename): the same copy, file by file.
        synced = folder / "synced"
        synced.mkdir()
        started = time.perf_counter()
        for path in sorted(source.iterdir()):
            with path.open("rb") as reading, (synced / path.name).open("wb") as writing:
                shutil.copyfileobj(reading, writing, 1024 * 1024)
                writing.flush()
                os.fsync(writing.fileno())
        each = time.perf_counter() - started
        return {
            "files": files,
            "bytes": total,
            "seconds": round(seconds, 2),
            "mb_per_s": round(total / seconds / 2**20, 1),
            "fsync_each_mb_per_s": round(total / each / 2**20, 1),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def zip_rate(app, base: str, round_id: int) -> dict:
    with app.app_context():
        store = storage()
        paths = [
            store.path(sha)
            for sha in db.session.scalars(select(Work.sha256).where(Work.round_id == round_id, Work.key == "plan"))
        ]
    cold = drop_page_cache()
    started, total = time.perf_counter(), 0
    for path in paths:
        with path.open("rb") as stream:
            while chunk := stream.read(1024 * 1024):
                total += len(chunk)
    read_seconds = time.perf_counter() - started
    drop_page_cache()
    token = token_for(base, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
    # curl reads the stream: a client in Python would spend on decoding the chunked answer the CPU the server
    # needs on a two-core machine, and measure itself.
    curl = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}"]
        + ["-H", f"Authorization: Bearer {token}", f"{base}/api/v1/rounds/{round_id}/works.zip"],
        check=True,
        capture_output=True,
        text=True,
    )
    code, size, seconds = curl.stdout.split()
    status, streamed, zip_seconds = int(code), int(size), float(seconds)
    if status != 200:
        raise RuntimeError(f"downloadRoundWorks answered {status}")
    read_rate, zip_rate_ = total / read_seconds / 2**20, streamed / zip_seconds / 2**20
    return {
        "page_cache_dropped": cold,
        "files": len(paths),
        "read": {"bytes": total, "seconds": round(read_seconds, 2), "mb_per_s": round(read_rate, 1)},
        "zip": {"bytes": streamed, "seconds": round(zip_seconds, 2), "mb_per_s": round(zip_rate_, 1)},
        "share_of_read_rate": round(zip_rate_ / read_rate, 2),
        "meets_target": zip_rate_ >= TARGET_ZIP_SHARE * read_rate,
    }


def sheet_world(app, teams: int, judges: int, seed: int) -> tuple[dict, dict]:
    figures, plan = setup(app, argparse.Namespace(teams=teams, judges=judges, k=5, clients=0, dashboard_load=0, seed=seed))
    with app.app_context():
        round_ = db.session.get(Round, plan["round_id"])
        round_.requirements = REQUIREMENTS
        stored = storage().put(io.BytesIO(pdf_bytes(1, 2, os.urandom(2 * 2**20))))
        now = utcnow()
        rows = []
        for team_id in db.session.scalars(select(Entry.team_id).where(Entry.round_id == round_.id)):
            rows.append(
                dict(round_id=round_.id, team_id=team_id, key="plan", version=1, kind="file", filename="计划书.pdf",
                     content_type="application/pdf", size=stored.size, sha256=stored.sha256, pages=1, submitted_at=now)
            )  # fmt: skip
            rows.append(
                dict(round_id=round_.id, team_id=team_id, key="store", version=1, kind="link", filename="",
                     content_type="", size=0, url=f"https://shop.example.com/{team_id}", submitted_at=now)
            )  # fmt: skip
        db.session.execute(insert(Work), rows)
        db.session.commit()
        figures["works"] = len(rows)
    return figures, plan


def sheet_pages(base: str, app, plan: dict, repeat: int) -> dict:
    judge_id = plan["judge_ids"][0]
    with app.app_context():
        assignments = db.session.scalars(
            select(Assignment.id).where(Assignment.round_id == plan["round_id"], Assignment.judge_id == judge_id)
        ).all()
        email = db.session.get(User, judge_id).email
    client = form_login(base, email, JUDGE_PASSWORD)
    latencies, errors = [], 0
    try:
        client.request("GET", f"/assignments/{assignments[0]}/sheet")  # warm
        for index in range(repeat):
            status, _headers, body, seconds = client.request("GET", f"/assignments/{assignments[index % len(assignments)]}/sheet")
            if status != 200 or b"/works/" not in body:
                errors += 1
            else:
                latencies.append(seconds)
    finally:
        client.close()
    figures = {"judge_assignments": len(assignments), **summary_ms(latencies or [0.0]), "errors": errors}
    figures["meets_target"] = not errors and figures["p95_ms"] < TARGET_SHEET_P95_MS
    return figures


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 4 --mb 0.1 --clients 2 --cp-files 2 --sheet-teams 12 --judges 6 --repeat 3".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench works")
    parser.add_argument("--teams", type=int, default=1000, help="teams handing in (0: skip the hand-in and the zip)")
    parser.add_argument("--mb", type=float, default=5.0, help="size of each team's PDF")
    parser.add_argument("--clients", type=int, default=2, help="captains handing in at once")
    parser.add_argument("--cp-files", type=int, default=200, help="files copied by cp for the disk's write rate")
    parser.add_argument(
        "--sheet-teams", type=int, default=10_000, help="teams of the sheet page's round, 5 judges each (0: skip)"
    )
    parser.add_argument("--judges", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=200, help="sheet pages opened")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL to use (emptied); a fresh SQLite file otherwise")
    args = parser.parse_args(argv)
    figures: dict = {"load_before": load_average()}
    if args.teams:
        app = fresh_app(args.database_url, PASSWORD_HASH_METHOD=FAST_HASH)
        noise = os.urandom(int(args.mb * 2**20) + 1024)
        world = handin_world(app, args.teams, args.clients, args.seed)
        with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], extra_env={"LAUREL_INSTANCE_PATH": app.instance_path}) as (
            base,
            _log,
        ):
            figures["hand_in"] = hand_in(base, world, args.mb, noise, server_pid(base))
            figures["cp"] = copy_rate(min(args.cp_files, args.teams), args.mb, noise)
            figures["cp_over_hand_in"] = round(figures["cp"]["mb_per_s"] / figures["hand_in"]["mb_per_s"], 2)
            figures["fsync_copy_over_hand_in"] = round(figures["cp"]["fsync_each_mb_per_s"] / figures["hand_in"]["mb_per_s"], 2)
            figures["round_zip"] = zip_rate(app, base, world["round_id"])
        shutil.rmtree(app.instance_path, ignore_errors=True)
    if args.sheet_teams:
        app = fresh_app(args.database_url, PASSWORD_HASH_METHOD=FAST_HASH)
        setup_figures, plan = sheet_world(app, args.sheet_teams, args.judges, args.seed)
        figures["sheet_setup"] = {key: setup_figures[key] for key in ("assignments", "works", "total_s") if key in setup_figures}
        with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], extra_env={"LAUREL_INSTANCE_PATH": app.instance_path}) as (
            base,
            _log,
        ):
            figures["sheet_page"] = sheet_pages(base, app, plan, args.repeat)
        shutil.rmtree(app.instance_path, ignore_errors=True)
    figures["load_after"] = load_average()
    report("works", figures)
    return 0
