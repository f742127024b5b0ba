"""Every route, as anonymous and as each role: who gets in, who is sent to sign in, who gets 403.

A route without a row here fails `test_every_route_has_a_row`, so a new page cannot ship unchecked.
Statuses: 200/204 in; 302 to the login page (HTML) or 401 (API) for anonymous visitors; 403 for
roles without the right; 422 when the role is let in and the empty request body is then refused.
"""

import pytest

from app.extensions import db
from app.models import Assignment
from tests.conftest import PASSWORD

ROLES = ("anonymous", "captain", "coordinator", "judge", "organizer")


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=302):
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], status)}


def organizers_only(status=200, anonymous=302):
    return {"anonymous": anonymous, "captain": 403, "coordinator": 403, "judge": 403, "organizer": status}


def captains_and_organizers(captain, organizer, anonymous=302):
    return {"anonymous": anonymous, "captain": captain, "coordinator": 403, "judge": 403, "organizer": organizer}


# endpoint: (method, expected status per role)
ACCESS = {
    "public.index": ("GET", everyone(200)),
    "public.contest": ("GET", everyone(200)),
    "public.dashboard": ("GET", signed_in(200)),
    "auth.login": ("GET", everyone(200)),
    "auth.logout": ("POST", everyone(302)),
    "auth.account": ("GET", signed_in(200)),
    "auth.set_language": ("GET", everyone(302)),
    "colleges.index": ("GET", organizers_only()),
    "colleges.import_file": ("POST", organizers_only(422)),
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
    "api_contests.create_contest": ("POST", organizers_only(422, anonymous=401)),
    "api_contests.list_contests": ("GET", everyone(200)),
    "api_contests.get_contest": ("GET", everyone(200)),
    "api_contests.update_contest": ("PUT", organizers_only(422, anonymous=401)),
    # Registration. The walk's coordinator coordinates another contest, and its captain owns
    # another team: both are outsiders to the contest and the team under test.
    "registration.signup": ("GET", everyone(200)),
    "registration.team_new": ("GET", captains_and_organizers(200, 200)),
    "registration.team_show": ("GET", organizers_only()),
    "registration.team_edit": ("GET", organizers_only()),
    "registration.team_withdraw": ("POST", organizers_only(302)),
    "registration.team_review": ("POST", organizers_only(302)),
    "registration.team_list": ("GET", organizers_only()),
    "registration.team_bulk_approve": ("POST", organizers_only(302)),
    "registration.dashboard": ("GET", organizers_only()),
    "registration.team_export": ("GET", organizers_only()),
    "registration.team_template": ("GET", everyone(200)),
    "registration.team_import": ("GET", organizers_only()),
    "api_registration.register_team": ("POST", captains_and_organizers(422, 422, anonymous=401)),
    "api_registration.list_teams": ("GET", organizers_only(anonymous=401)),
    "api_registration.get_team": ("GET", organizers_only(anonymous=401)),
    "api_registration.update_team": ("PATCH", organizers_only(200, anonymous=401)),
    "api_registration.withdraw_team": ("POST", organizers_only(422, anonymous=401)),
    "api_registration.review_team": ("POST", organizers_only(422, anonymous=401)),
    "api_registration.import_teams": ("POST", organizers_only(422, anonymous=401)),
    "api_registration.export_teams": ("GET", organizers_only(anonymous=401)),
    "api_registration.team_template": ("GET", everyone(200)),
    # Judging. The walk's judge is not among the round's judges.
    "api_judging.create_round": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.get_round": ("GET", organizers_only(anonymous=401)),
    "api_judging.update_round": ("PATCH", organizers_only(200, anonymous=401)),
    "api_judging.transition_round": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.add_entries": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.add_judges": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.list_assignments": ("GET", organizers_only(anonymous=401)),
    "api_judging.get_score_sheet": ("GET", organizers_only(anonymous=401)),
    "api_judging.save_score_sheet": ("PUT", everyone(403) | {"anonymous": 401}),
    "api_judging.unlock_score_sheet": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.auto_assign": ("POST", organizers_only(200, anonymous=401)),
    "api_judging.create_assignment": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.delete_assignment": ("DELETE", organizers_only(204, anonymous=401)),
    "api_judging.declare_conflict": ("POST", organizers_only(422, anonymous=401)),  # the walk's judge is another
    "judging.dashboard": ("GET", {"anonymous": 302, "captain": 403, "coordinator": 403, "judge": 200, "organizer": 403}),
    "judging.sheet_edit": ("GET", organizers_only()),
    "judging.sheet_history": ("GET", organizers_only()),
    "judging.round_list": ("GET", organizers_only()),
    "judging.round_show": ("GET", organizers_only()),
    "judging.round_progress": ("GET", organizers_only()),
    "judging.judge_list": ("GET", organizers_only()),
    "judging.round_new": ("GET", organizers_only()),
    "judging.conflicts": ("GET", {"anonymous": 302, "captain": 403, "coordinator": 403, "judge": 200, "organizer": 403}),
    "judging.round_edit": ("GET", organizers_only()),
    "api_judging.import_judges": ("POST", organizers_only(422, anonymous=401)),
    "api_judging.list_judges": ("GET", organizers_only(anonymous=401)),
    # Results. The walk's round is a draft: nothing is computed or published yet.
    "results.results_table": ("GET", organizers_only()),
    "results.judge_statistics": ("GET", organizers_only()),
    "results.advance": ("GET", organizers_only()),
    "results.awards": ("GET", organizers_only()),
    "results.public_results": ("GET", organizers_only()),  # public once the round is published
    "api_results.compute_results": ("POST", organizers_only(409, anonymous=401)),  # the round is not closed
    "api_results.get_results": ("GET", organizers_only(anonymous=401)),
    "api_results.advance_teams": ("POST", organizers_only(422, anonymous=401)),
    "api_results.assign_awards": ("POST", organizers_only(422, anonymous=401)),
    "api_results.list_awards": ("GET", organizers_only(anonymous=401)),
    "api_results.publish_round": ("POST", organizers_only(409, anonymous=401)),
    "results.round_export": ("GET", organizers_only(302)),  # no results yet: back to the results page
    "results.contest_export": ("GET", organizers_only(302)),
    "api_results.export_round": ("GET", organizers_only(409, anonymous=401)),
    "api_results.export_contest_results": ("GET", organizers_only(409, anonymous=401)),
}


def routed_endpoints(app):
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_has_a_row(app):
    assert routed_endpoints(app) == set(ACCESS)


def _url(app, endpoint, contest_id, team_id, round_id, assignment_id, user_id):
    from flask import url_for

    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {"contest_id": contest_id, "team_id": team_id, "round_id": round_id, "assignment_id": assignment_id,
              "user_id": user_id,
              "code": "zh", "filename": "swagger-ui.css"}
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_answers_each_role_as_the_table_says(app, make_user, make_contest, make_team, make_round, endpoint):
    method, expected = ACCESS[endpoint]
    contest = make_contest()
    team = make_team(contest)
    round_ = make_round(contest)
    assignment = Assignment(round_id=round_.id, team_id=team.id, judge_id=make_user("judge", contest_id=contest.id).id)
    db.session.add(assignment)
    db.session.commit()
    url = _url(app, endpoint, contest.id, team.id, round_.id, assignment.id, assignment.judge_id)
    seen = {}
    for role in ROLES:
        client = app.test_client()
        headers = {}
        if role != "anonymous":
            user = make_user(role)
            if url.startswith("/api/"):
                token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).json["token"]
                headers = {"Authorization": f"Bearer {token}"}
            else:
                client.post("/login", data={"email": user.email, "password": PASSWORD})
        response = client.open(url, method=method, headers=headers, json={} if url.startswith("/api/") and method != "GET" else None)
        seen[role] = response.status_code
        if response.status_code == 302 and role == "anonymous" and expected[role] == 302 and endpoint not in {"auth.logout", "auth.set_language"}:
            assert "/login" in response.headers["Location"], endpoint
    assert seen == expected
