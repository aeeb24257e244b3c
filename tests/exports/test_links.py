"""Every list page offers Export links that carry the current search, filters and sort."""

import html
from urllib.parse import quote_plus

import pytest

from tests.conftest import login
from tests.factories import world

HX = {"HX-Request": "true"}

LISTS = [
    ("admin", "/workers", {"q": "工作者", "status": "all", "source": "other", "sort": "-name"}, "/workers/export"),
    ("bureau", "/regions", {"q": "3201", "level": "township"}, "/regions/export"),
    ("admin", "/stations", {"q": "S", "sort": "-tier"}, "/stations/export"),
    ("admin", "/stations/organisations", {"q": "社工"}, "/stations/organisations/export"),
    ("admin", "/stations/tiers", {"q": "2", "sort": "min_fulltime"}, "/stations/tiers/export"),
    ("admin", "/admin/users", {"q": "h", "role": "hr"}, "/admin/users/export"),
]


def _links(text: str, export: str) -> list[str]:
    text = html.unescape(text)
    return [part.split('"', 1)[0] for part in text.split(f'href="{export}')[1:]]


@pytest.mark.parametrize(("role", "url", "params", "export"), LISTS)
async def test_the_list_page_and_its_live_search_fragment_link_to_exports_of_the_current_filters(
    client, role, url, params, export
):
    await world()
    await login(client, role)
    for headers in ({}, HX):
        response = await client.get(url, params={**params, "page": 1, "per_page": 10}, headers=headers)
        assert response.status_code == 200
        links = _links(response.text, export)
        assert len(links) == 2, (url, links)
        for link, fmt in zip(links, ("xlsx", "csv"), strict=True):
            # Filters, search and sort carried; page size left out (the export has every page).
            assert f"format={fmt}" in link
            for name, value in params.items():
                assert f"{name}={quote_plus(value)}" in link, (link, name)
            assert "per_page" not in link and "page=" not in link.replace("per_page", "")
        # Each link downloads.
        assert (await client.get(export + links[1])).headers["content-disposition"].startswith("attachment")


async def test_the_audit_page_links_to_its_export(client):
    w = await world()
    from talent.audit.services import audit_record

    await audit_record(actor=None, action="create", entity="station", entity_id=w["stations"][0].id, summary="S1")
    await login(client, "admin")
    response = await client.get("/audit", params={"entity": "station", "q": "S1"})
    links = _links(response.text, "/audit/export")
    assert links == ["?q=S1&sort=-at&entity=station&format=xlsx", "?q=S1&sort=-at&entity=station&format=csv"]


async def test_an_empty_list_shows_no_export_links(client):
    await world()
    await login(client, "admin")
    response = await client.get("/workers", params={"q": "nobody"})
    assert "/workers/export" not in response.text
