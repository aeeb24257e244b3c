"""Request bodies over the configured limit are refused before they are parsed."""

from talent.settings import get_settings
from tests.conftest import login
from tests.factories import world


async def test_an_oversized_form_post_is_refused_with_413_before_parsing(client):
    await world()
    await login(client, "hr")
    settings = get_settings()
    too_big = max(settings.import_max_bytes, settings.upload_max_bytes) + 2 * 1024 * 1024
    response = await client.post(
        "/me/password",
        content=b"x",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": str(too_big)},
    )
    assert response.status_code == 413
