"""A blind round: the judge's file is named by the team's code and the item's key, and a PDF reaches the judge
without its author in the document information or the XMP metadata; organizers still get the original."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import Entry
from app.storage import storage
from tests.works.conftest import pdf_bytes
from tests.works.test_serving import get


def test_a_blind_judge_gets_a_pdf_named_by_code_without_its_author(client, scene, make_work):
    world = scene(blind=True)
    team = world["teams"][0]
    original = pdf_bytes(author="张三 Zhang San")
    work = make_work(world["round"], team, "plan", original, filename="张三的计划书.pdf")
    code = db.session.scalar(select(Entry.code).where(Entry.round_id == world["round"].id, Entry.team_id == team.id))

    response = get(client, world["judges"][0], f"/api/v1/works/{work.id}/file")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert f"{code}-plan.pdf" in disposition and "%E5%BC%A0" not in disposition  # no 张
    served = PdfReader(io.BytesIO(response.data))
    assert served.metadata is None or not (
        {"/Author", "/Title", "/Creator", "/Producer", "/Subject", "/Keywords"} & set(served.metadata)
    )
    assert "/Metadata" not in served.trailer["/Root"]
    assert "Zhang San".encode() not in response.data
    assert len(served.pages) == 1

    organizer = get(client, world["organizer"], f"/api/v1/works/{work.id}/file")
    assert organizer.data == original
    assert PdfReader(io.BytesIO(organizer.data)).metadata["/Author"] == "张三 Zhang San"


def test_the_stripped_copy_is_made_once_and_kept(client, scene, make_work):
    world = scene(blind=True)
    work = make_work(world["round"], world["teams"][0], "plan", pdf_bytes())
    first = get(client, world["judges"][0], f"/api/v1/works/{work.id}/file").data
    made = storage().derived("blind", work.sha256)
    assert made is not None and made != work.sha256
    assert get(client, world["judges"][0], f"/api/v1/works/{work.id}/file").data == first
    assert storage().derived("blind", work.sha256) == made


def test_a_blind_judge_gets_other_files_renamed_but_unchanged(client, scene, make_work):
    world = scene(blind=True)
    image = make_work(
        world["round"], world["teams"][0], "poster", b"\x89PNG\r\n\x1a\nbytes", filename="张三.png", content_type="image/png"
    )
    response = get(client, world["judges"][0], f"/api/v1/works/{image.id}/file")
    assert response.data == b"\x89PNG\r\n\x1a\nbytes"
    assert (
        response.headers["Content-Disposition"].startswith("inline") and "-poster.png" in response.headers["Content-Disposition"]
    )


def test_a_pdf_that_cannot_be_rewritten_is_not_sent_to_a_blind_judge(client, scene, make_work):
    world = scene(blind=True)
    broken = make_work(world["round"], world["teams"][0], "plan", b"%PDF-1.4 Author (Zhang San) no xref")
    response = get(client, world["judges"][0], f"/api/v1/works/{broken.id}/file")
    assert response.status_code == 409 and response.json["error"]["code"] == "pdf_not_anonymous"
