"""downloadRoundWorks: the round's judged files in one streamed zip, named by team number (or by blind code,
with PDFs stripped), each entry's bytes the stored file's."""

import hashlib
import io
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import Entry, utcnow
from tests.works.conftest import pdf_bytes
from tests.works.test_serving import get


def test_the_zip_holds_each_judged_file_by_team_number(client, scene, make_work, login_as):
    world = scene()
    round_, (first, second) = world["round"], world["teams"]
    big = bytes(range(256)) * 9000  # past one chunk of the store
    make_work(round_, first, "plan", b"%PDF-1.4 old", filename="a.pdf")
    make_work(round_, first, "plan", b"%PDF-1.4 judged", filename="b.PDF")
    make_work(round_, first, "video", big, filename="demo.mp4", content_type="video/mp4")
    make_work(round_, second, "store", url="https://shop.example.com")  # a link: nothing to zip
    round_.works_due_at = utcnow()
    db.session.commit()
    make_work(round_, second, "plan", b"%PDF-1.4 late")  # after the deadline: not judged

    response = get(client, world["organizer"], f"/api/v1/rounds/{round_.id}/works.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted([f"{first.number}/plan.pdf", f"{first.number}/video.mp4"])
    assert archive.read(f"{first.number}/plan.pdf") == b"%PDF-1.4 judged"
    assert hashlib.sha256(archive.read(f"{first.number}/video.mp4")).hexdigest() == hashlib.sha256(big).hexdigest()
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}

    login_as(user=world["organizer"])
    page = client.get(f"/rounds/{round_.id}/works.zip")
    assert page.status_code == 200 and zipfile.ZipFile(io.BytesIO(page.data)).namelist() == archive.namelist()


def test_a_blind_rounds_zip_names_by_code_and_strips_pdfs(client, scene, make_work):
    world = scene(blind=True)
    round_, team = world["round"], world["teams"][0]
    make_work(round_, team, "plan", pdf_bytes(author="Zhang San"), filename="Zhang San plan.pdf")
    code = db.session.scalar(select(Entry.code).where(Entry.round_id == round_.id, Entry.team_id == team.id))
    archive = zipfile.ZipFile(io.BytesIO(get(client, world["organizer"], f"/api/v1/rounds/{round_.id}/works.zip").data))
    assert archive.namelist() == [f"{code}/{code}-plan.pdf"]
    data = archive.read(f"{code}/{code}-plan.pdf")
    assert b"Zhang San" not in data
    assert "/Author" not in (PdfReader(io.BytesIO(data)).metadata or {})


def test_only_organizers_download_the_zip(client, scene):
    world = scene()
    url = f"/api/v1/rounds/{world['round'].id}/works.zip"
    assert get(client, world["judges"][0], url).status_code == 403
    assert get(client, world["captains"][0], url).status_code == 403
