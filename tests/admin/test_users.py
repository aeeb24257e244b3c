from talent.accounts.models import Session, User
from talent.audit.models import AuditEntry
from talent.core.access import Role
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.querycount import count_queries


async def test_an_admin_creates_a_bureau_account_scoped_to_a_region(client):
    await world()
    await login(client, "admin")
    response = await post(
        client,
        "/admin/users",
        {
            "username": "newbureau",
            "display_name": "新局",
            "role": "bureau",
            "region_code": "320104",
            "password": "long-enough-pass",
        },
    )
    assert response.status_code == 303
    user = await User.get(username="newbureau").select_related("region")
    assert user.role == Role.BUREAU and user.region.code == "320104"
    entry = await AuditEntry.get(entity="user", action="create", entity_id=str(user.id))
    assert entry.after["role"] == "bureau" and "password_hash" not in entry.after


async def test_a_bureau_account_without_a_region_is_refused_and_nothing_is_written(client):
    await world()
    await login(client, "admin")
    before = await User.all().count()
    response = await post(
        client, "/admin/users", {"username": "x-bureau", "role": "bureau", "password": "long-enough-pass"}
    )
    assert response.status_code == 422
    assert "A bureau account needs a region." in response.text
    assert 'value="x-bureau"' in response.text
    assert await User.all().count() == before


async def test_the_name_the_audit_log_gives_to_what_no_account_did_cannot_be_taken_by_an_account(client):
    await world()
    await login(client, "admin")
    before = await User.all().count()
    for username in ("system", "System"):
        response = await post(
            client, "/admin/users", {"username": username, "role": "admin", "password": "long-enough-pass"}
        )
        assert response.status_code == 422
        assert "This username is reserved." in response.text
    assert await User.all().count() == before


async def test_an_unknown_region_code_is_a_field_error(client):
    await world()
    await login(client, "admin")
    response = await post(
        client,
        "/admin/users",
        {"username": "y-bureau", "role": "bureau", "region_code": "999999", "password": "long-enough-pass"},
    )
    assert response.status_code == 422 and "No such record." in response.text


async def test_deactivating_an_account_signs_it_out_everywhere(client, app):
    import httpx

    w = await world()
    other = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    await login(other, "hr")
    await login(client, "admin")
    hr = w["users"]["hr"]
    response = await post(
        client, f"/admin/users/{hr.id}", {"display_name": "", "role": "hr", "organisation": w["orgs"][0].name}
    )
    assert response.status_code == 303
    assert not (await User.get(id=hr.id)).is_active
    assert await Session.filter(user_id=hr.id).count() == 0
    assert (await other.get("/")).status_code == 303
    await other.aclose()


async def test_an_admin_cannot_demote_themself(client):
    w = await world()
    await login(client, "admin")
    admin = w["users"]["admin"]
    response = await post(client, f"/admin/users/{admin.id}", {"role": "hr", "is_active": "1"})
    assert response.status_code == 422
    assert (await User.get(id=admin.id)).role == Role.ADMIN


async def test_non_admins_may_not_open_user_management(client):
    await world()
    await login(client, "bureau")
    assert (await client.get("/admin/users")).status_code == 403


async def test_the_account_list_makes_the_same_number_of_queries_for_few_and_many_accounts(client):
    await world()
    await login(client, "admin")
    async with count_queries() as few:
        assert (await client.get("/admin/users")).status_code == 200
    for i in range(30):
        await User.create(username=f"extra{i}", password_hash="x", role=Role.ADMIN)
    async with count_queries() as many:
        assert (await client.get("/admin/users")).status_code == 200
    assert few.count == many.count


async def test_the_account_list_searches_and_filters_by_role(client):
    await world()
    await login(client, "admin")
    response = await client.get("/admin/users?q=bureau", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment for htmx
    assert "citybureau" in response.text and ">hr<" not in response.text
    by_role = await client.get("/admin/users?role=worker")
    assert ">worker</a>" in by_role.text and ">hr</a>" not in by_role.text


async def test_an_account_row_shows_its_role_its_scope_and_whether_it_is_enabled(client):
    w = await world()
    await User.filter(username="hr").update(is_active=False)
    await login(client, "admin")
    rows = text_of((await client.get("/admin/users")).text)
    county, org, worker = w["regions"]["county_a"].name, w["orgs"][0].name, w["workers"][0].name
    # A bureau's scope is its region, HR's its organisation, a worker's own record; an admin's none.
    assert f" bureau Civil-affairs bureau {county} Enabled " in rows
    assert f" hr HR {org} Disabled " in rows
    assert f" worker Social worker {worker} Enabled " in rows


async def test_an_admin_sets_and_clears_an_accounts_email_address_in_the_user_form(client):
    w = await world()
    await login(client, "admin")
    hr = w["users"]["hr"]
    form = {"display_name": "", "role": "hr", "organisation": w["orgs"][0].name, "is_active": "1"}
    assert 'name="email"' in (await client.get(f"/admin/users/{hr.id}")).text
    response = await post(client, f"/admin/users/{hr.id}", {**form, "email": "hr@example.org"})
    assert response.status_code == 303
    assert (await User.get(id=hr.id)).email == "hr@example.org"
    assert 'value="hr@example.org"' in (await client.get(f"/admin/users/{hr.id}")).text
    entry = await AuditEntry.filter(entity="user", action="update", entity_id=str(hr.id)).order_by("-id").first()
    assert entry.after == {"email": "hr@example.org"} and entry.actor_name == "admin"
    assert (await post(client, f"/admin/users/{hr.id}", {**form, "email": ""})).status_code == 303
    assert (await User.get(id=hr.id)).email == ""


async def test_an_invalid_email_in_the_user_form_saves_nothing_of_the_form(client):
    w = await world()
    await login(client, "admin")
    hr = w["users"]["hr"]
    response = await post(
        client,
        f"/admin/users/{hr.id}",
        {"display_name": "新名字", "role": "hr", "organisation": w["orgs"][0].name, "is_active": "1", "email": "hr@"},
    )
    assert response.status_code == 422 and "Enter a valid e-mail address" in response.text
    user = await User.get(id=hr.id)
    # The name change went back with the refused address: one transaction.
    assert (user.display_name, user.email) == ("", "")
    assert not await AuditEntry.filter(entity="user", action="update").exists()


async def test_an_account_created_with_an_email_address_has_it(client):
    await world()
    await login(client, "admin")
    data = {"username": "hr2", "role": "hr", "organisation": "玄武社工服务中心", "password": "long-enough-pass"}
    bad = await post(client, "/admin/users", {**data, "email": "nope"})
    assert bad.status_code == 422 and not await User.filter(username="hr2").exists()
    assert (await post(client, "/admin/users", {**data, "email": "hr2@example.org"})).status_code == 303
    assert (await User.get(username="hr2")).email == "hr2@example.org"
