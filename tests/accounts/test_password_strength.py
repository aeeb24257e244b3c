"""Every password a person sets must be at least 10 characters and not easy to guess by zxcvbn (score 3 or
more, with the username and the name as known inputs), and a refusal says why in our own words."""

import os
import subprocess
import sys

import pytest

from talent.accounts import passwords
from talent.accounts.models import User
from talent.demo import DEMO_PASSWORD
from tests.conftest import PASSWORD, login, post
from tests.factories import world


@pytest.mark.parametrize(
    ("password", "weakness"),
    [
        ("short-1", "short"),
        ("password123", "common"),
        ("Welcome2026", "common"),
        ("asdfghjkl;", "keyboard"),
        ("aaaaaaaaaaaa", "repeat"),
        ("abcdefghijkl", "repeat"),
        ("19900101!!", "date"),
        ("jenniferjones", "words"),
        ("x" * 200, "repeat"),  # longer than zxcvbn takes: judged by its start
    ],
)
def test_weak_passwords_are_refused_with_the_main_reason(password, weakness):
    assert passwords.password_weakness(password) == weakness


def test_the_demo_the_test_and_long_random_passwords_are_strong_enough():
    assert passwords.password_weakness(DEMO_PASSWORD, ["admin", "管理员"]) is None
    assert passwords.password_weakness(PASSWORD, ["hr", ""]) is None
    assert passwords.password_weakness("k7#Vq2!mZp9w" * 10) is None


def test_the_username_and_the_name_count_against_a_password():
    assert passwords.password_weakness("zhangwei2026") is None
    assert passwords.password_weakness("zhangwei2026", ["zhang.wei", ""]) == "user_inputs"
    assert passwords.password_weakness("liuyang-lab", ["lab-account", "Liu Yang"]) == "user_inputs"


async def test_an_admin_cannot_create_an_account_with_a_common_password(client):
    await world()
    await login(client, "admin")
    response = await post(
        client,
        "/admin/users",
        {"username": "newhr", "role": "hr", "organisation": "玄武社工服务中心", "password": "password123"},
    )
    assert response.status_code == 422
    assert "This password is too easy to guess: it is, or is close to, a commonly used password." in response.text
    assert "A few unrelated words together work well." in response.text
    assert not await User.filter(username="newhr").exists()


async def test_an_admin_cannot_give_an_account_a_password_built_on_its_username(client):
    await world()
    await login(client, "admin")
    data = {"username": "zhang.wei", "display_name": "张伟", "role": "hr", "organisation": "玄武社工服务中心"}
    refused = await post(client, "/admin/users", {**data, "password": "zhangwei2026"})
    assert refused.status_code == 422
    assert "This password is too easy to guess: it contains the username or the name." in refused.text
    assert (await post(client, "/admin/users", {**data, "password": PASSWORD})).status_code == 303


async def test_an_admin_password_reset_refuses_a_very_weak_password_and_keeps_the_old_one(client):
    w = await world()
    await login(client, "admin")
    hr = w["users"]["hr"]
    response = await post(client, f"/admin/users/{hr.id}/password", {"password": "aaaaaaaaaaaa"})
    assert response.status_code == 422
    assert "it repeats characters or follows a sequence like abc or 123." in response.text
    assert (await User.get(id=hr.id)).password_changed_at is None


async def test_changing_ones_own_password_refuses_a_common_one(client):
    await world()
    await login(client, "hr")
    response = await post(client, "/me/password", {"current": PASSWORD, "new": "1234567890", "confirm": "1234567890"})
    assert response.status_code == 422
    assert "This password is too easy to guess: it is, or is close to, a commonly used password." in response.text
    assert (await User.get(username="hr")).password_changed_at is None
    strong = "quiet-lantern-river-7"
    assert (
        await post(client, "/me/password", {"current": PASSWORD, "new": strong, "confirm": strong})
    ).status_code == 303


def test_the_create_admin_command_refuses_a_weak_password(tmp_path):
    env = {
        **os.environ,
        "TALENT_DATABASE_URL": f"sqlite://{tmp_path / 'talent.sqlite3'}",
        "TALENT_DEFAULT_LOCALE": "en",
        "COLUMNS": "250",
    }
    result = subprocess.run(
        [sys.executable, "-m", "talent.cli", "create-admin", "root", "--password", "qwerty12345"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "This password is too easy to guess" in result.stdout
