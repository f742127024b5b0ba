"""Which language a page speaks: the person's own choice (the switch, their account, their browser's language),
else (on a page of one contest) the contest's. The API keeps answering as before, whatever the contest."""

import pytest

from app.extensions import db

ENGLISH_PAGE, CHINESE_PAGE = 'lang="en"', 'lang="zh-Hans"'


def page(client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "shown", "words"), [("en", ENGLISH_PAGE, "Registration"), ("zh", CHINESE_PAGE, "报名")])
def test_a_contest_page_speaks_the_contest_s_language_to_a_visitor_who_chose_none(client, make_contest, language, shown, words):
    contest = make_contest(language=language)
    text = page(client, f"/c/{contest.id}")
    assert shown in text and words in text


def test_the_visitor_s_own_choice_wins_over_the_contest_s_language(client, make_contest):
    english, chinese = make_contest(language="en"), make_contest(language="zh")
    client.get("/language/zh")
    assert CHINESE_PAGE in page(client, f"/c/{english.id}")
    client.get("/language/en")
    assert ENGLISH_PAGE in page(client, f"/c/{chinese.id}")


def test_a_signed_in_user_s_language_wins_too(client, make_contest, make_user, login_as):
    contest = make_contest(language="en")
    user = make_user("organizer")
    user.locale = "zh"
    db.session.commit()
    login_as(user=user)
    assert CHINESE_PAGE in page(client, f"/contests/{contest.id}/teams")


def test_the_browser_s_language_is_a_choice_too(client, make_contest):
    """A browser set to Chinese reads an English contest in Chinese (and the dashboard, and every other page):
    the language does not change as its reader goes from page to page."""
    contest = make_contest(language="en")
    assert CHINESE_PAGE in page(client, f"/c/{contest.id}", **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert ENGLISH_PAGE in page(client, f"/c/{make_contest(language='zh').id}", **{"Accept-Language": "en-US,en;q=0.9"})


def test_a_browser_that_names_no_language_laurel_speaks_gets_the_contest_s(client, make_contest):
    contest = make_contest(language="zh")
    assert CHINESE_PAGE in page(client, f"/c/{contest.id}", **{"Accept-Language": "fr-FR,fr;q=0.9"})


def test_pages_of_a_contest_s_rounds_teams_and_sheets_speak_its_language(client, make_contest, make_team, make_round, login_as):
    contest = make_contest(language="zh")
    team, round_ = make_team(contest), make_round(contest)
    login_as("organizer")
    for url in (f"/contests/{contest.id}/teams", f"/teams/{team.id}", f"/rounds/{round_.id}"):
        assert CHINESE_PAGE in page(client, url), url


def test_a_page_of_no_one_contest_speaks_as_before(client, make_contest):
    make_contest(language="zh")
    assert ENGLISH_PAGE in page(client, "/login") and "Sign in" in page(client, "/login")
    assert CHINESE_PAGE in page(client, "/login", **{"Accept-Language": "zh-CN"})


def test_the_api_answers_in_the_browser_s_language_whatever_the_contest(client, make_contest, make_user, token_for):
    contest = make_contest(language="zh")
    headers = token_for(make_user("organizer"))
    response = client.post(f"/api/v1/contests/{contest.id}/teams", json={}, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["message"].isascii()  # English, as for any client that asks for no language
