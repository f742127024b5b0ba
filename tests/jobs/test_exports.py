"""Exports as background jobs: startExport, getJob and the file, each seen only by those who may."""

import io

import pytest
from openpyxl import load_workbook

from app.models import Job
from tests.conftest import finish_jobs


def finished(client, app, job_id, headers):
    finish_jobs(app)
    response = client.get(f"/api/v1/jobs/{job_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def workbook_rows(response, sheet=0):
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return [list(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def test_a_registrations_export_runs_as_a_job_and_its_file_downloads(app, client, make_contest, make_team, make_user, token_for):
    contest = make_contest()
    teams = [make_team(contest, name=f"Export team {index}") for index in range(3)]
    headers = token_for(make_user("organizer"))

    started = client.post("/api/v1/exports", json={"kind": "teams", "contest_id": contest.id}, headers=headers)

    assert started.status_code == 202, started.json
    job = finished(client, app, started.json["job_id"], headers)
    assert job["state"] == "done" and job["kind"] == "teams"
    assert job["progress"]["done"] == job["progress"]["total"] > 0
    download = client.get(job["download_url"], headers=headers)
    assert download.status_code == 200
    assert f"registrations-{contest.year}-{contest.id}.xlsx" in download.headers["Content-Disposition"]
    names = {row[5] for row in workbook_rows(download)[1:]}
    assert names == {team.name for team in teams}


def test_a_coordinators_export_holds_their_college_only_and_others_never_see_it(
    app, client, make_contest, make_team, make_college, make_user, token_for
):
    contest = make_contest()
    ours, theirs = make_college(), make_college()
    make_team(contest, college=ours, name="Our team")
    make_team(contest, college=theirs, name="Their team")
    coordinator = make_user("coordinator", contest_id=contest.id, college_id=ours.id)
    headers = token_for(coordinator)

    job_id = client.post("/api/v1/exports", json={"kind": "teams", "contest_id": contest.id}, headers=headers).json["job_id"]
    job = finished(client, app, job_id, headers)

    names = {row[5] for row in workbook_rows(client.get(job["download_url"], headers=headers))[1:]}
    assert names == {"Our team"}
    other = token_for(make_user("coordinator", contest_id=contest.id, college_id=theirs.id))
    assert client.get(f"/api/v1/jobs/{job_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}/download", headers=other).status_code == 404
    organizer = token_for(make_user("organizer", contest_id=contest.id))
    assert client.get(f"/api/v1/jobs/{job_id}", headers=organizer).json["state"] == "done"


def test_an_export_someone_may_not_make_is_refused_and_no_job_is_left(client, make_contest, make_user, token_for):
    contest = make_contest()
    headers = token_for(make_user("captain"))

    response = client.post("/api/v1/exports", json={"kind": "teams", "contest_id": contest.id}, headers=headers)

    assert response.status_code == 403
    assert Job.query.count() == 0
    assert client.post("/api/v1/exports", json={"kind": "teams", "contest_id": contest.id}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [({"kind": "round"}, "round_id"), ({"kind": "teams"}, "contest_id"), ({"kind": "everything"}, "kind")],
)
def test_an_export_missing_what_it_needs_names_it(client, make_user, token_for, body, field):
    response = client.post("/api/v1/exports", json=body, headers=token_for(make_user("organizer")))

    assert response.status_code == 422
    assert field in str(response.json)
    assert Job.query.count() == 0


def test_a_round_export_before_results_fails_with_the_reason(app, client, make_contest, make_round, make_user, token_for):
    round_ = make_round(make_contest())
    headers = token_for(make_user("organizer"))

    job_id = client.post("/api/v1/exports", json={"kind": "round", "round_id": round_.id}, headers=headers).json["job_id"]
    job = finished(client, app, job_id, headers)

    assert job["state"] == "failed"
    assert "results" in job["error"].lower()
    assert "download_url" not in job
    assert client.get(f"/api/v1/jobs/{job_id}/download", headers=headers).status_code == 404


def test_a_round_export_downloads_the_results_workbook(app, client, scored_round, make_user, token_for):
    built = scored_round([[80], [70]])
    headers = token_for(make_user("organizer"))
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=headers)

    job_id = client.post("/api/v1/exports", json={"kind": "round", "round_id": built["round"].id}, headers=headers).json["job_id"]
    job = finished(client, app, job_id, headers)

    assert job["state"] == "done", job
    download = client.get(job["download_url"], headers=headers)
    assert f"results-round-{built['round'].id}.xlsx" in download.headers["Content-Disposition"]
    ranking = workbook_rows(download, sheet=1)
    assert [row[0] for row in ranking[1:]] == [1, 2]  # both teams ranked


def test_the_audit_log_exports_as_a_job(app, client, make_contest, make_user, token_for):
    make_contest()
    headers = token_for(make_user("organizer"))

    job_id = client.post("/api/v1/exports", json={"kind": "audit"}, headers=headers).json["job_id"]
    job = finished(client, app, job_id, headers)

    assert job["state"] == "done"
    rows = workbook_rows(client.get(job["download_url"], headers=headers))
    assert len(rows) > 1  # the header and the contest's creation at least
