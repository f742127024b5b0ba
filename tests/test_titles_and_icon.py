"""Every page's title names the page, then Laurel, once; and the site's icon is there for every page."""

import re

import pytest


def title_of(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


@pytest.mark.parametrize(
    "path, title",
    [
        ("/", "Laurel"),  # the home page has no title of its own
        ("/login", "Sign in · Laurel"),
        ("/signup", "Create a captain account · Laurel"),
        ("/no-such-page", "404 · Laurel"),
    ],
)
def test_a_page_title_says_laurel_once(client, path, title):
    assert title_of(client.get(path).get_data(as_text=True)) == title


def test_signed_in_pages_are_titled_too(client, login_as, make_contest):
    contest = make_contest()
    login_as("organizer")
    assert title_of(client.get("/dashboard").get_data(as_text=True)) == "Dashboard · Laurel"
    assert title_of(client.get(f"/contests/{contest.id}/teams").get_data(as_text=True)) == "Teams · Laurel"
    assert title_of(client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)) == "Laurel"


def test_pages_link_the_icon_and_favicon_ico_answers(client):
    page = client.get("/login").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link is not None
    icon = client.get(link.group(1))
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.mimetype == "image/svg+xml" and favicon.data == icon.data
