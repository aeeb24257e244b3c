"""After sign-in only a path of this site is followed: never another site, never a broken response."""

import pytest

from talent.web.templating import safe_next
from tests.conftest import ensure_csrf
from tests.factories import world

OFF_SITE = [
    "/\t/evil.example",  # the browser drops the tab: //evil.example
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",  # would split the response's headers
    "/\\evil.example",  # a backslash reads as a slash
    "//evil.example",
    "https://evil.example/",
    "/ /evil.example",
    "/\u200b/evil.example",  # zero-width space
    "/\u3000/evil.example",  # ideographic space
    "",
    "evil.example",
]


@pytest.mark.parametrize("value", OFF_SITE)
def test_anything_but_a_clean_local_path_goes_home(value):
    assert safe_next(value) == "/"


@pytest.mark.parametrize("value", ["/workers?q=%E5%BC%A0&page=2", "/courses/3#sessions", "/workers/7/edit"])
def test_a_local_path_is_kept(value):
    assert safe_next(value) == value


@pytest.mark.parametrize("value", ["/\t/evil.example", "/\r\n/evil.example", "/\\evil.example"])
@pytest.mark.parametrize("htmx", [False, True])
async def test_signing_in_with_a_hostile_next_lands_on_the_home_page(client, value, htmx):
    await world()
    token = await ensure_csrf(client)
    headers = {"HX-Request": "true"} if htmx else {}
    response = await client.post(
        "/login",
        data={"csrf_token": token, "username": "hr", "password": "correct-horse-42", "next": value},
        headers=headers,
    )
    if htmx:
        assert response.headers["hx-redirect"] == "/"
    else:
        assert response.status_code == 303 and response.headers["location"] == "/"
