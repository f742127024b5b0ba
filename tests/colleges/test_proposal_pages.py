"""The pages of proposed institutions: an applicant proposes theirs from the registration form and comes back
with it chosen; an organizer verifies or merges proposals on the colleges page."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, College, Team
from tests.conftest import PASSWORD
from tests.registration.test_pages import team_form


def sign_in(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_an_applicant_proposes_from_the_registration_form_and_comes_back_with_it(client, login_as, make_contest):
    contest = make_contest()
    login_as("captain")
    form = client.get(f"/contests/{contest.id}/register").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-propose-college', form).group(1).replace("&amp;", "&")
    assert "propose it" in form

    page = client.get(link)
    assert page.status_code == 200 and "United Kingdom" in page.get_data(as_text=True)
    refused = client.post(link, data={"name": "", "country": "GB"})
    assert refused.status_code == 422 and "Enter the institution" in refused.get_data(as_text=True)

    response = client.post(link, data={"name": "University of Oxford", "country": "GB", "website": "https://www.ox.ac.uk"})
    assert response.status_code == 302
    college = db.session.scalar(select(College).where(College.name == "University of Oxford"))
    assert not college.verified
    assert f"college_id={college.id}" in response.location
    back = client.get(response.location).get_data(as_text=True)
    assert f'value="University of Oxford {college.code}"' in back
    assert "you may register with it now" in back
    registered = client.post(response.location, data=team_form(f"University of Oxford {college.code}"))
    assert registered.status_code == 302, registered.get_data(as_text=True)
    assert db.session.scalar(select(Team.college_id).where(Team.contest_id == contest.id)) == college.id


def test_organizer_verifies_and_merges_through_the_colleges_page(client, make_user, make_college, make_contest):
    captain = make_user("captain")
    contest = make_contest()
    listed = make_college(name="University of Cambridge", country="GB", code="GB0002")
    sign_in(client, captain)
    for name in ("Oxford Uni", "Cambridge University"):
        assert client.post("/colleges/propose", data={"name": name, "country": "GB"}).status_code == 302
    oxford, cambridge = db.session.scalars(select(College).where(College.verified.is_(False)).order_by(College.id)).all()
    registered = client.post(f"/contests/{contest.id}/register", data=team_form(f"Cambridge University {cambridge.code}"))
    assert registered.status_code == 302, registered.get_data(as_text=True)
    team = db.session.scalar(select(Team).where(Team.contest_id == contest.id))
    team_id, listed_id, oxford_id, cambridge_id = team.id, listed.id, oxford.id, cambridge.id

    sign_in(client, make_user("organizer"))
    page = client.get("/colleges/").get_data(as_text=True)
    assert "Proposed institutions" in page and "Oxford Uni" in page and "Cambridge University" in page
    assert 'data-college-country="GB"' in page

    verified = client.post(f"/colleges/{oxford.id}/verify", data={"name": "University of Oxford"}, follow_redirects=True)
    assert verified.status_code == 200 and "University of Oxford is on the list now." in verified.get_data(as_text=True)

    refused = client.post(f"/colleges/{oxford.id}/merge", data={"into": "University of Cambridge GB0002"})
    assert refused.status_code == 409 and "only proposed institutions are merged away" in refused.get_data(as_text=True)

    merged = client.post(
        f"/colleges/{cambridge.id}/merge", data={"into": "University of Cambridge GB0002"}, follow_redirects=True
    )
    text = merged.get_data(as_text=True)
    assert merged.status_code == 200 and "Merged into University of Cambridge: 1 team moved." in text
    assert "No proposal waits." in text
    db.session.expire_all()
    assert db.session.get(Team, team_id).college_id == listed_id
    assert db.session.get(College, cambridge_id) is None
    assert db.session.get(College, oxford_id).verified
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("college.%"))).all()
    assert sorted(actions) == ["college.merge", "college.propose", "college.propose", "college.verify"]
