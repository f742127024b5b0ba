"""Every route, as anonymous and as each role on its own object and on another's: who gets in, who
is sent to sign in, who gets 403.

The walk builds one contest with two colleges. The objects in every URL are the *own* ones:
- a team of college A, registered by `captain`; `other_captain` registered a team of college B;
- `coordinator` coordinates college A in the contest; `other_coordinator` college B;
- a round (a draft) whose judges are `judge` and `other_judge`; the assignment in the URL is
  `judge`'s (the team above), and `other_judge` has one of their own (the other team);
- `organizer` runs every contest.

A route without a row here fails `test_every_route_has_a_row`, so a new page cannot ship unchecked.
Statuses: 200/204 in; 302 to the login page (HTML) or 401 (API) for anonymous visitors; 403 for
roles without the right; 422 when the role is let in and the empty request body is then refused;
409 when it is let in and the draft round's state refuses the request.
"""

import io

import pytest

from app.extensions import db
from app.jobs.tasks import jobs_folder
from app.judging.services import add_judges
from app.models import CAPTAIN, COORDINATOR, JUDGE, Assignment, Award, College, Job, Work
from app.storage import storage
from tests.conftest import PASSWORD

ROLES = ("anonymous", "captain", "other_captain", "coordinator", "other_coordinator", "judge", "other_judge", "organizer")
OWNERS = ("captain", "coordinator", "judge")


def row(default, anonymous=None, **roles):
    """Statuses per role: `default` for every signed-in role not named, `anonymous` for visitors
    (by default the same as the signed-in default when that is public, else sign in first)."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    statuses = {role: roles.get(role, default) for role in ROLES[1:]}
    return {"anonymous": anonymous if anonymous is not None else default, **statuses}


def everyone(status):
    return row(status)


def signed_in(status, anonymous=302):
    return row(status, anonymous=anonymous)


def organizers_only(status=200, anonymous=302):
    return row(403, anonymous=anonymous, organizer=status)


def captains_and_organizers(captain, organizer, anonymous=302):
    return row(403, anonymous=anonymous, captain=captain, other_captain=captain, organizer=organizer)


# endpoint: (method, expected status per role)
ACCESS = {
    "public.index": ("GET", everyone(200)),
    "favicon": ("GET", everyone(200)),
    "public.contest": ("GET", everyone(200)),
    "public.dashboard": ("GET", signed_in(200)),
    "auth.login": ("GET", everyone(200)),
    "auth.logout": ("POST", everyone(302)),
    "auth.account": ("GET", signed_in(200)),
    "auth.sign_out_elsewhere": ("POST", signed_in(302)),
    "auth.set_language": ("GET", everyone(302)),
    "colleges.index": ("GET", organizers_only()),
    "colleges.import_file": ("POST", organizers_only(422)),
    # The proposal in the URL is `captain`'s: only organizers check it; anyone signed in proposes.
    "colleges.propose": ("GET", signed_in(200)),
    "colleges.verify": ("POST", organizers_only(302)),
    "colleges.merge_into": ("POST", organizers_only(422)),
    "contests.index": ("GET", organizers_only()),
    "contests.new": ("GET", organizers_only()),
    "contests.edit": ("GET", organizers_only()),
    "api_docs.page": ("GET", everyone(200)),
    "api_docs.asset": ("GET", everyone(200)),
    "api-docs.openapi_json": ("GET", everyone(200)),
    "api_auth.get_health": ("GET", everyone(200)),
    "api_auth.create_token": ("POST", everyone(422)),
    "api_auth.revoke_token": ("DELETE", signed_in(204, anonymous=401)),
    "api_auth.get_me": ("GET", signed_in(200, anonymous=401)),
    "api_auth.create_user": ("POST", organizers_only(422, anonymous=401)),
    "api_colleges.list_colleges": ("GET", everyone(200)),
    "api_colleges.import_colleges": ("POST", organizers_only(422, anonymous=401)),
    "api_colleges.propose_college": ("POST", signed_in(422, anonymous=401)),
    "api_colleges.verify_college": ("POST", organizers_only(anonymous=401)),
    "api_colleges.merge_colleges": ("POST", organizers_only(422, anonymous=401)),
    "api_contests.create_contest": ("POST", organizers_only(422, anonymous=401)),
    "api_contests.list_contests": ("GET", everyone(200)),
    "api_contests.get_contest": ("GET", everyone(200)),
    "api_contests.update_contest": ("PUT", organizers_only(422, anonymous=401)),
    # Registration: the captain's own team, the coordinator's own college; their others are outsiders.
    "registration.signup": ("GET", everyone(200)),
    "registration.signup_confirm": ("GET", everyone(400)),
    "registration.team_new": ("GET", row(200, anonymous=302, judge=403, other_judge=403)),
    "registration.team_show": ("GET", row(403, anonymous=302, captain=200, coordinator=200, organizer=200)),
    "registration.team_edit": ("GET", row(403, anonymous=302, captain=200, organizer=200)),
    "registration.team_withdraw": ("POST", row(403, anonymous=302, captain=302, organizer=302)),
    "registration.team_review": ("POST", row(403, anonymous=302, coordinator=302, organizer=302)),
    "registration.team_review_reopen": ("POST", organizers_only(302)),
    # A member's college disputes the membership: here `coordinator`'s, whose college all the team's members are of.
    "registration.member_dispute": ("POST", row(403, anonymous=302, coordinator=302, organizer=302)),
    "registration.member_dispute_lift": ("POST", row(403, anonymous=302, coordinator=302, organizer=302)),
    "registration.team_list": ("GET", row(403, anonymous=302, coordinator=200, other_coordinator=200, organizer=200)),
    "registration.team_bulk_approve": ("POST", row(403, anonymous=302, coordinator=302, other_coordinator=302, organizer=302)),
    "registration.dashboard": ("GET", organizers_only()),
    "registration.team_export": ("POST", row(403, anonymous=302, coordinator=302, other_coordinator=302, organizer=302)),
    "registration.team_template": ("GET", everyone(200)),
    "registration.team_import": ("GET", row(403, anonymous=302, coordinator=200, other_coordinator=200, organizer=200)),
    "api_registration.register_team": ("POST", row(422, anonymous=401, judge=403, other_judge=403)),
    "api_registration.list_teams": (
        "GET",
        row(403, anonymous=401, coordinator=200, other_coordinator=200, organizer=200),
    ),  # a coordinator's list holds only their college's (below)
    "api_registration.get_team": ("GET", row(403, anonymous=401, captain=200, coordinator=200, organizer=200)),
    "api_registration.update_team": ("PATCH", row(403, anonymous=401, captain=200, organizer=200)),
    "api_registration.withdraw_team": ("POST", row(403, anonymous=401, captain=422, organizer=422)),
    "api_registration.review_team": ("POST", row(403, anonymous=401, coordinator=422, organizer=422)),
    "api_registration.reopen_team_review": ("POST", organizers_only(422, anonymous=401)),
    "api_registration.dispute_member": ("POST", row(403, anonymous=401, coordinator=422, organizer=422)),
    "api_registration.lift_dispute": ("POST", row(403, anonymous=401, coordinator=422, organizer=422)),
    "api_registration.import_teams": ("POST", row(403, anonymous=401, coordinator=422, other_coordinator=422, organizer=422)),
    "api_registration.export_teams": ("GET", row(403, anonymous=401, coordinator=200, other_coordinator=200, organizer=200)),
    "api_registration.team_template": ("GET", everyone(200)),
    # Judging: both judges judge the round; the assignment (and its sheet) is `judge`'s own.
    "api_judging.create_round": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.get_round": ("GET", row(403, anonymous=401, judge=200, other_judge=200, organizer=200)),
    "api_judging.update_round": ("PATCH", organizers_only(anonymous=401)),
    "api_judging.transition_round": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.add_entries": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.add_judges": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.list_assignments": (
        "GET",
        row(403, anonymous=401, judge=200, other_judge=200, organizer=200),
    ),  # a judge's list holds only their own (below)
    "api_judging.list_teams_needing_judges": ("GET", organizers_only(anonymous=401)),
    "api_judging.get_score_sheet": ("GET", row(403, anonymous=401, judge=200, organizer=200)),
    "api_judging.save_score_sheet": (
        "PUT",
        row(403, anonymous=401, judge=422),
    ),  # only the assigned judge; organizers unlock instead
    "api_judging.unlock_score_sheet": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.auto_assign": ("POST", organizers_only(anonymous=401)),
    "api_judging.create_assignment": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.delete_assignment": ("DELETE", organizers_only(204, anonymous=401)),
    "api_judging.declare_conflict": (
        "POST",
        row(403, anonymous=401, judge=422, organizer=422),
    ),  # for `judge`: themselves, not `other_judge`
    "judging.dashboard": ("GET", row(403, anonymous=302, judge=200, other_judge=200)),
    "judging.sheet_edit": ("GET", row(403, anonymous=302, judge=200, organizer=200)),
    "judging.sheet_history": ("GET", organizers_only()),
    "judging.round_list": ("GET", organizers_only()),
    "judging.round_show": ("GET", organizers_only()),
    "judging.round_progress": ("GET", organizers_only()),
    "judging.judge_list": ("GET", organizers_only()),
    "judging.round_new": ("GET", organizers_only()),
    "judging.conflicts": ("GET", row(403, anonymous=302, judge=200, other_judge=200)),
    "judging.round_edit": ("GET", organizers_only()),
    "api_judging.import_judges": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.list_judges": ("GET", organizers_only(anonymous=401)),
    # Results. The walk's round is a draft: nothing is computed or published yet.
    "results.results_table": ("GET", organizers_only()),
    "results.judge_statistics": ("GET", organizers_only()),
    "results.advance": ("GET", organizers_only()),
    "results.awards": ("GET", organizers_only()),
    "results.award_update": ("POST", organizers_only(302)),  # back to the Awards page, saying why not
    "results.public_results": ("GET", organizers_only()),  # public once the round is published
    "api_results.post_round_results": ("POST", organizers_only(409, anonymous=401)),  # the round is not closed
    "api_results.get_round_results": ("GET", organizers_only(anonymous=401)),
    "api_results.advance_teams": ("POST", organizers_only(422, anonymous=401)),
    "api_results.assign_awards": ("POST", organizers_only(422, anonymous=401)),
    "api_results.list_awards": ("GET", organizers_only(anonymous=401)),
    "api_results.update_award": ("PATCH", organizers_only(409, anonymous=401)),  # the round has no results
    "api_results.publish_round": ("POST", organizers_only(409, anonymous=401)),
    # Exports from the pages start a job and go to its page.
    "results.round_export": ("POST", organizers_only(302)),
    "results.contest_export": ("POST", organizers_only(302)),
    "api_results.export_round": ("GET", organizers_only(409, anonymous=401)),
    "api_results.export_contest_results": ("GET", organizers_only(409, anonymous=401)),
    # The audit log covers every contest: organizers of every contest only.
    "audit_log.index": ("GET", organizers_only()),
    "audit_log.export": ("POST", organizers_only(302)),
    # Jobs: the one in the URL is `coordinator`'s registrations export, done; a job one may not see is not there (404).
    "jobs.job_list": ("GET", signed_in(200)),
    "jobs.job_page": ("GET", row(404, anonymous=302, coordinator=200, organizer=200)),
    "jobs.download": ("GET", row(404, anonymous=302, coordinator=200, organizer=200)),
    "api_jobs.start_export": ("POST", signed_in(422, anonymous=401)),
    "api_jobs.get_job": ("GET", row(404, anonymous=401, coordinator=200, organizer=200)),
    "api_jobs.download_job_file": ("GET", row(404, anonymous=401, coordinator=200, organizer=200)),
    # Notice and objections. The walk's round is a draft (no one but organizers sees it); the objection in the
    # URL is `captain`'s, with one file of evidence: confidential between them and the organizers.
    "notices.objection_new": ("GET", organizers_only()),  # the page says no objection is taken now
    "notices.objection_list": ("GET", organizers_only()),
    "notices.objection_show": ("GET", row(403, anonymous=302, captain=200, organizer=200)),
    "notices.evidence_download": ("GET", row(403, anonymous=302, captain=200, organizer=200)),
    "notices.finalize": ("POST", organizers_only(302)),  # back to the results page, saying why not
    "api_notices.create_objection": ("POST", organizers_only(422, anonymous=401)),
    "api_notices.list_objections": ("GET", organizers_only(anonymous=401)),
    "api_notices.get_objection": ("GET", row(403, anonymous=401, captain=200, organizer=200)),
    "api_notices.add_objection_file": ("POST", row(403, anonymous=401, captain=422)),  # the objector's only
    "api_notices.get_objection_file": ("GET", row(403, anonymous=401, captain=200, organizer=200)),
    "api_notices.assign_objection": ("POST", organizers_only(422, anonymous=401)),
    "api_notices.answer_objection": ("POST", organizers_only(422, anonymous=401)),
    "api_notices.finalize_round": ("POST", organizers_only(409, anonymous=401)),  # the round is not published
    # Certificates: the award in the URL is `captain`'s team's, not yet issued (404 to those let in); the code
    # in the URL is no certificate's, for anyone (the verification is public).
    "certificates.verify_page": ("GET", everyone(404)),
    "certificates.certificate_download": ("GET", row(403, anonymous=302, captain=404, organizer=404)),
    "certificates.award_revoke": ("POST", organizers_only(302)),  # back to the Awards page, saying why not
    "certificates.round_zip": ("POST", organizers_only(302)),
    "certificates.settings": ("GET", organizers_only()),
    "api_certificates.verify_certificate": ("GET", everyone(404)),
    "api_certificates.get_certificate": ("GET", row(403, anonymous=401, captain=404, organizer=404)),
    "api_certificates.revoke_award": ("POST", organizers_only(422, anonymous=401)),
    "api_certificates.start_certificates_zip": ("POST", organizers_only(202, anonymous=401)),
    # Result mails: the walk's round is a draft, so nothing was mailed; the organizers' page lists none, a resend
    # finds none (back to the page, saying so), and the API's refuses the empty body.
    "announcements.result_mails": ("GET", organizers_only()),
    "announcements.resend": ("POST", organizers_only(302)),
    "announcements.recipients": ("POST", organizers_only(302)),
    "api_announcements.list_result_mails": ("GET", organizers_only(anonymous=401)),
    "api_announcements.resend_result_mails": ("POST", organizers_only(422, anonymous=401)),
    # Data items (issue 26 part 5): the organizers import a round's values; a team's captain reports one as wrong
    # (the walk's round has no data item: the refusal is flashed on the team page).
    "judging.metrics_import": ("GET", organizers_only()),
    "judging.metrics_template": ("GET", organizers_only()),
    "judging.metrics_objection": ("POST", row(403, anonymous=302, captain=302)),
    "api_judging.import_metrics": ("POST", organizers_only(422, anonymous=401)),
    # Works: the work in the URL is the captain's team's, judged by `judge` (assigned); a coordinator, even of the
    # team's college, does not open works (tests/works/test_serving.py).
    "api_work_files.download_work": ("GET", row(403, anonymous=401, captain=200, judge=200, organizer=200)),
    "work_pages.work_file": ("GET", row(403, anonymous=302, captain=200, judge=200, organizer=200)),
    "api_work_files.download_round_works": ("GET", organizers_only(anonymous=401)),
    "work_pages.round_works_page": ("GET", organizers_only()),
    "work_pages.remind_missing_works": ("POST", organizers_only(302)),
    "work_pages.round_works_zip": ("GET", organizers_only()),
    # Works (the round asks for `plan`; the walk's teams are not in it yet): only the team's own captain hands
    # in, and is then told the team is not in the round (409); organizers grant extensions, and a team that is
    # not in the round has no deadline there (404).
    "api_works.submit_work": ("PUT", row(403, anonymous=401, captain=409)),
    "api_works.list_works": ("GET", row(403, anonymous=401, judge=200, other_judge=200, organizer=200)),
    "api_works.grant_extension": ("POST", organizers_only(422, anonymous=401)),
    "works.work_upload": ("POST", row(403, anonymous=302, captain=409)),
    "works.extension_edit": ("GET", organizers_only(404)),
}


def routed_endpoints(app):
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_has_a_row(app):
    assert routed_endpoints(app) == set(ACCESS)


def _url(app, endpoint, **values):
    from flask import url_for

    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {**values, "code": "zh", "filename": "swagger-ui.css", "token": "not-a-sign-up-link", "key": "plan"}
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@pytest.fixture
def walk(app, make_user, make_contest, make_college, make_team, make_round):
    """The contest of the module docstring: its people by role, and the own objects' ids."""
    from app.models import utcnow

    # The walk is no attack: the sign-in limits (tests/auth) would refuse the sixth empty createToken.
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "1000 per minute"
    contest = make_contest()
    own_college, other_college = make_college(), make_college()
    people = {
        "captain": make_user(CAPTAIN),
        "other_captain": make_user(CAPTAIN),
        "coordinator": make_user(COORDINATOR, college_id=own_college.id, contest_id=contest.id),
        "other_coordinator": make_user(COORDINATOR, college_id=other_college.id, contest_id=contest.id),
        "judge": make_user(JUDGE, contest_id=contest.id),
        "other_judge": make_user(JUDGE, contest_id=contest.id),
        "organizer": make_user("organizer"),
    }
    team = make_team(contest, own_college, owner=people["captain"])
    other_team = make_team(contest, other_college, owner=people["other_captain"])
    round_ = make_round(contest, requirements=[{"key": "plan", "name": "计划书", "types": ["pdf"]}])
    add_judges(round_, [people["judge"].id, people["other_judge"].id], actor=None, now=utcnow())
    assignment = Assignment(round_id=round_.id, team_id=team.id, judge_id=people["judge"].id)
    award = Award(round_id=round_.id, team_id=team.id, tier="first")
    proposal = College(
        code="P-walk", name="University of Oxford", country="GB", verified=False, proposed_by_id=people["captain"].id
    )
    db.session.add_all(
        [proposal, assignment, Assignment(round_id=round_.id, team_id=other_team.id, judge_id=people["other_judge"].id), award]
    )
    job = Job(kind="teams", owner=people["coordinator"], contest=contest, params={}, state="done")
    db.session.add(job)
    db.session.commit()
    job.result_path, job.result_name = f"{job.id}/registrations.xlsx", "registrations.xlsx"
    (jobs_folder() / job.id).mkdir(parents=True)
    (jobs_folder() / job.result_path).write_bytes(b"PK")
    db.session.commit()
    stored = storage().put(io.BytesIO(b"%PDF-1.4 walk"))
    round_.requirements = [{"key": "plan", "name": "plan", "kind": "file", "types": ["pdf"], "required": True}]
    work = Work(round_id=round_.id, team_id=team.id, key="plan", filename="plan.pdf", content_type="application/pdf")
    work.size, work.sha256 = stored.size, stored.sha256
    db.session.add(work)
    db.session.commit()
    objection = walk_objection(round_, team, people["captain"])
    ids = {
        "objection_id": objection.id,
        "file_id": objection.files[0].id,
        "work_id": work.id,
        "job_id": job.id,
        "contest_id": contest.id,
        "team_id": team.id,
        "round_id": round_.id,
        "assignment_id": assignment.id,
        "user_id": people["judge"].id,
        "award_id": award.id,
        "college_id": proposal.id,
    }
    return people, ids


def walk_objection(round_, team, author):
    """`author`'s objection to `team` in the round, with one PDF of evidence in the store."""
    import io

    from app.models import Objection, ObjectionFile
    from app.storage import storage

    stored = storage().put(io.BytesIO(b"%PDF-1.7 walk"))
    objection = Objection(round_id=round_.id, team_id=team.id, author_id=author.id, reason="walk")
    objection.files.append(
        ObjectionFile(filename="walk.pdf", content_type="application/pdf", size=stored.size, sha256=stored.sha256)
    )
    db.session.add(objection)
    db.session.commit()
    return objection


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_answers_each_role_as_the_table_says(app, walk, endpoint):
    method, expected = ACCESS[endpoint]
    people, ids = walk
    url = _url(app, endpoint, **ids)
    api = url.startswith("/api/")
    seen = {}
    for role in ROLES:
        client = app.test_client()
        headers = {}
        if role != "anonymous":
            user = people[role]
            if api:
                token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).json["token"]
                headers = {"Authorization": f"Bearer {token}"}
            else:
                client.post("/login", data={"email": user.email, "password": PASSWORD})
        response = client.open(url, method=method, headers=headers, json={} if api and method != "GET" else None)
        seen[role] = response.status_code
        if (
            response.status_code == 302
            and role == "anonymous"
            and expected[role] == 302
            and endpoint not in {"auth.logout", "auth.set_language"}
        ):
            assert "/login" in response.headers["Location"], endpoint
    assert seen == expected


def test_the_table_tells_own_objects_from_others(app):
    """Every route that lets an owner in is checked against another's object too: the matrix would
    otherwise pass with a check that asks only for the role."""
    let_in = {
        endpoint
        for endpoint, (_method, statuses) in ACCESS.items()
        if any(statuses[owner] != statuses[f"other_{owner}"] for owner in OWNERS)
    }
    assert {
        "registration.team_show",
        "api_registration.get_team",
        "api_judging.save_score_sheet",
        "api_judging.get_score_sheet",
        "judging.sheet_edit",
        "api_registration.review_team",
        "api_works.submit_work",
        "works.work_upload",
    } <= let_in


def test_lists_hold_only_the_viewers_own_objects(app, walk):
    """Judges list only their own assignments, coordinators only their own college's teams, whatever they ask for."""
    people, ids = walk
    client = app.test_client()

    def listed(role, url):
        token = client.post("/api/v1/tokens", json={"email": people[role].email, "password": PASSWORD}).json["token"]
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.json
        return response.json["items"]

    assignments = f"/api/v1/rounds/{ids['round_id']}/assignments"
    assert [item["id"] for item in listed("judge", assignments)] == [ids["assignment_id"]]
    other = listed("other_judge", f"{assignments}?judge_id={people['judge'].id}")
    assert len(other) == 1 and other[0]["id"] != ids["assignment_id"]
    assert len(listed("organizer", assignments)) == 2
    teams = f"/api/v1/contests/{ids['contest_id']}/teams"
    assert [team["id"] for team in listed("coordinator", teams)] == [ids["team_id"]]
    assert ids["team_id"] not in [team["id"] for team in listed("other_coordinator", teams)]


def test_a_number_past_any_id_is_404_on_every_route(app, walk):
    """Ids in URLs are 1 to 2**31 - 1: a larger number names no row, and is a 404, never the 500 of a
    database driver that cannot bind it."""
    from app.api.ids import MAX_ID

    people, ids = walk
    client = app.test_client()
    client.post("/login", data={"email": people["organizer"].email, "password": PASSWORD})
    token = client.post("/api/v1/tokens", json={"email": people["organizer"].email, "password": PASSWORD}).json["token"]
    checked = 0
    for endpoint, (method, _statuses) in sorted(ACCESS.items()):
        rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
        for name in rule.arguments & set(ids):
            url = _url(app, endpoint, **{**ids, name: MAX_ID + 1})
            response = client.open(
                url,
                method=method,
                headers={"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {},
                json={} if url.startswith("/api/") and method != "GET" else None,
            )
            assert response.status_code == 404, (endpoint, url, response.status_code)
            checked += 1
    assert checked > 40
