"""Certificates: one per award once the round is final (issue_certificates), a PDF in the contest's language
for the team and the organizers, a code anyone verifies (API and page, no sign-in), revocation with a reason,
and a round's certificates as one zip made by a job."""

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.certificates.render import certificate_html
from app.certificates.services import issue_certificates
from app.errors import StateConflictError
from app.extensions import db
from app.models import CAPTAIN, COORDINATOR, AuditEvent, Award, Certificate, utcnow
from app.models.certificates import CODE_ALPHABET, CODE_LENGTH
from tests.conftest import finish_jobs

TIERS = [{"key": "first", "count": 1}, {"key": "second", "count": 1}, {"key": "third", "count": 1}]


@pytest.fixture
def final(client, scored_round, make_user, token_for):
    """`build(language)`: four teams scoring 95, 90, 85, 80; the first three awarded, the round published and
    its certificates issued (as the notice's finalization does). Team 0's captain is its registering account."""

    def build(language="zh"):
        built = scored_round([[95], [90], [85], [80]], language=language)
        organizer_user = make_user("organizer")
        organizer = token_for(organizer_user)
        round_ = built["round"]
        url = f"/api/v1/rounds/{round_.id}"
        assert client.post(f"{url}/results", json={}, headers=organizer).status_code == 200
        assert client.post(f"{url}/awards", json={"tiers": TIERS}, headers=organizer).status_code == 200
        assert client.post(f"{url}/publish", json={}, headers=organizer).status_code == 200
        captain = make_user(CAPTAIN)
        built["teams"][0].owner_id = captain.id
        db.session.commit()
        issued = issue_certificates(round_, actor=organizer_user, now=utcnow())
        db.session.commit()
        award = db.session.scalar(select(Award).where(Award.round_id == round_.id, Award.team_id == built["teams"][0].id))
        return {**built, "organizer": organizer, "captain": captain, "issued": issued, "award": award, "url": url}

    return build


def code_of(award):
    return db.session.scalar(select(Certificate.code).where(Certificate.award_id == award.id))


def test_each_award_gets_one_unguessable_code_and_issuing_again_adds_none(client, final):
    built = final()
    codes = [certificate.code for certificate in built["issued"]]
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert issue_certificates(built["round"], actor=None, now=utcnow()) == []
    listed = client.get(f"{built['url']}/awards").json["awards"]
    assert sorted(item["certificate_code"] for item in listed) == sorted(codes)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.issue")).all()
    assert sorted(event.after["code"] for event in events) == sorted(codes)


def test_no_certificate_before_the_round_is_published(client, scored_round, make_user, token_for):
    built = scored_round([[95], [90]])
    with pytest.raises(StateConflictError) as refused:
        issue_certificates(built["round"], actor=None, now=utcnow())
    assert refused.value.code == "round_not_published"


def test_anyone_verifies_a_code_without_signing_in(client, final):
    built = final()
    code = code_of(built["award"])
    answer = client.get(f"/api/v1/certificates/{code}")
    assert answer.status_code == 200
    body = answer.json
    team = built["teams"][0]
    assert body["valid"] is True and body["entrant"] == team.name and body["tier_name"] == "一等奖"
    assert body["members"] == ["学生0", "学生1", "学生2"] and body["advisors"] == ["王老师"]
    assert body["contest"] == built["contest"].name and body["revoked_at"] is None
    typed = f"{code[:5].lower()}-{code[5:]}"  # as read off the paper
    assert client.get(f"/api/v1/certificates/{typed}").json["code"] == code
    unknown = client.get("/api/v1/certificates/ZZZZZZZZZZ")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "unknown_certificate"


def test_the_verification_page_shows_the_certificate_in_both_languages_to_a_phone(client, final):
    built = final()
    page = client.get(f"/verify/{code_of(built['award'])}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-verdict="valid"' in text
    assert built["teams"][0].name in text and "This certificate is valid." in text and "证书有效" in text
    assert 'name="viewport"' in text
    missing = client.get("/verify/ZZZZZZZZZZ")
    assert missing.status_code == 404 and 'data-verdict="unknown"' in missing.get_data(as_text=True)


def pdf_text(data: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    fonts = {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    return page.extract_text(), fonts


def test_the_captain_downloads_a_chinese_pdf_with_the_team_its_people_and_the_code(client, final, token_for):
    built = final("zh")
    response = client.get(f"/api/v1/awards/{built['award'].id}/certificate.pdf", headers=token_for(built["captain"]))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text, fonts = pdf_text(response.data)
    code = code_of(built["award"])
    compact = "".join(text.split())  # the title is spaced out
    assert built["teams"][0].name in text and "一等奖" in text and "荣誉证书" in compact and "王老师" in text
    assert f"证书编号{code[:5]}-{code[5:]}" in compact
    assert any("Noto-Serif-CJK-SC" in font for font in fonts), fonts  # the CJK font the project installs


def test_an_english_contest_gets_english_certificates(client, final, token_for):
    built = final("en")
    response = client.get(f"/api/v1/awards/{built['award'].id}/certificate.pdf", headers=built["organizer"])
    text, _fonts = pdf_text(response.data)
    assert "Certificate of Award" in text and "First Prize" in text and "荣誉证书" not in text
    assert built["teams"][0].name in text  # the team's own (Chinese) name, in the CJK font


def test_the_team_its_members_with_accounts_and_the_organizers_may_download_no_one_else(client, final, make_user, token_for):
    built = final()
    team = built["teams"][0]
    url = f"/api/v1/awards/{built['award'].id}/certificate.pdf"
    member = make_user(CAPTAIN, email=team.members[1].email)
    statuses = {
        "anonymous": client.get(url).status_code,
        "captain": client.get(url, headers=token_for(built["captain"])).status_code,
        "member": client.get(url, headers=token_for(member)).status_code,
        "organizer": client.get(url, headers=built["organizer"]).status_code,
        "other captain": client.get(url, headers=token_for(make_user(CAPTAIN))).status_code,
        "coordinator": client.get(url, headers=token_for(make_user(COORDINATOR, contest_id=built["contest"].id))).status_code,
    }
    assert statuses == {
        "anonymous": 401,
        "captain": 200,
        "member": 200,
        "organizer": 200,
        "other captain": 403,
        "coordinator": 403,
    }
    unawarded = db.session.scalar(select(Award).where(Award.round_id == built["round"].id, Award.team_id == team.id))
    db.session.execute(Certificate.__table__.delete().where(Certificate.award_id == unawarded.id))
    db.session.commit()
    before = client.get(url, headers=built["organizer"])
    assert before.status_code == 404 and before.json["error"]["code"] == "no_certificate"


def test_a_revoked_certificate_says_so_to_whoever_verifies_it_and_no_longer_downloads(client, final, token_for):
    built = final()
    award, code = built["award"], code_of(built["award"])
    revoke = f"/api/v1/awards/{award.id}/revoke"
    assert client.post(revoke, json={"reason": "  "}, headers=built["organizer"]).status_code == 422
    assert client.post(revoke, json={"reason": "抄袭"}, headers=token_for(built["captain"])).status_code == 403
    revoked = client.post(revoke, json={"reason": "作品抄袭，经查属实"}, headers=built["organizer"])
    assert revoked.status_code == 200 and revoked.json["valid"] is False
    verified = client.get(f"/api/v1/certificates/{code}").json
    assert verified["valid"] is False and verified["revoked_at"] and verified["revoke_reason"] == "作品抄袭，经查属实"
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert 'data-verdict="revoked"' in page and "作品抄袭，经查属实" in page
    gone = client.get(f"/api/v1/awards/{award.id}/certificate.pdf", headers=token_for(built["captain"]))
    assert gone.status_code == 410 and gone.json["error"]["code"] == "certificate_revoked"
    again = client.post(revoke, json={"reason": "again"}, headers=built["organizer"])
    assert again.status_code == 409 and again.json["error"]["code"] == "already_revoked"
    assert issue_certificates(built["round"], actor=None, now=utcnow()) == []  # revoked stays revoked
    assert client.get(f"/api/v1/certificates/{code}").json["valid"] is False
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.object_id == award.id and event.reason == "作品抄袭，经查属实"


def test_the_organizer_downloads_the_rounds_certificates_as_one_zip_named_by_team_number(app, client, final):
    built = final()
    client.post(f"/api/v1/awards/{built['award'].id}/revoke", json={"reason": "misconduct"}, headers=built["organizer"])
    started = client.post(f"{built['url']}/certificates.zip", headers=built["organizer"])
    assert started.status_code == 202
    finish_jobs(app)
    job = client.get(f"/api/v1/jobs/{started.json['job_id']}", headers=built["organizer"]).json
    assert job["state"] == "done", job
    download = client.get(f"/api/v1/jobs/{started.json['job_id']}/download", headers=built["organizer"])
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    standing = [team for team in built["teams"][1:3]]  # team 0's was revoked; team 3 has no award
    assert sorted(name.split("-")[0] for name in names) == sorted(team.number.split("-")[0] for team in standing)
    assert all(any(name.startswith(team.number) for name in names) for team in standing)
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert all(archive.read(name).startswith(b"%PDF") for name in names)


def test_the_pages_offer_the_certificates_to_the_captain_and_the_organizer(client, final, login_as):
    built = final()
    code = code_of(built["award"])
    login_as(user=built["captain"])
    team_page = client.get(f"/teams/{built['teams'][0].id}").get_data(as_text=True)
    assert f"/awards/{built['award'].id}/certificate.pdf" in team_page and f"/verify/{code}" in team_page
    assert client.get(f"/awards/{built['award'].id}/certificate.pdf").data.startswith(b"%PDF")
    login_as("organizer")
    awards_page = client.get(f"/rounds/{built['round'].id}/awards").get_data(as_text=True)
    assert f'data-code="{code}"' in awards_page and f"/rounds/{built['round'].id}/certificates/zip" in awards_page
    revoked = client.post(f"/awards/{built['award'].id}/revoke", data={"reason": "作品抄袭"})
    assert revoked.status_code == 302
    assert client.get(f"/api/v1/certificates/{code}").json["revoke_reason"] == "作品抄袭"


PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def test_the_organizer_sets_the_issuer_and_a_png_seal_printed_on_new_certificates(client, final, login_as):
    built = final()
    contest = built["contest"]
    login_as("organizer")
    url = f"/contests/{contest.id}/certificates"
    refused = client.post(url, data={"issuer": "组委会", "seal": (io.BytesIO(b"GIF89a" + bytes(20)), "seal.png")})
    assert refused.status_code == 422 and "PNG" in refused.get_data(as_text=True)
    too_large = client.post(url, data={"issuer": "组委会", "seal": (io.BytesIO(PNG + bytes(1024 * 1024)), "seal.png")})
    assert too_large.status_code == 422
    saved = client.post(url, data={"issuer": "全国电子商务大赛组委会", "seal": (io.BytesIO(PNG), "seal.png")})
    assert saved.status_code == 302
    db.session.refresh(contest)
    assert contest.certificate_issuer == "全国电子商务大赛组委会" and contest.certificate_seal
    old = db.session.scalar(select(Certificate).where(Certificate.award_id == built["award"].id))
    with client.application.test_request_context():
        assert "data:image/png" not in certificate_html(old)  # issued before: keeps what it was issued with
    db.session.delete(old)
    db.session.commit()
    (new,) = issue_certificates(built["round"], actor=None, now=utcnow())
    with client.application.test_request_context():
        html = certificate_html(new)
    assert "data:image/png;base64," in html and "全国电子商务大赛组委会" in html


def test_verification_is_rate_limited_per_address(app, client, final):
    built = final()
    app.config["VERIFY_RATE_LIMIT"] = "2 per minute"
    code = code_of(built["award"])
    statuses = [client.get(f"/api/v1/certificates/{code}").status_code for _ in range(2)]
    assert statuses == [200, 200]
    assert client.get(f"/verify/{code}").status_code == 429
