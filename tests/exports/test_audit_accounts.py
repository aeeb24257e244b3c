"""Audit log and account list exports: visible columns, localised labels, scope and roles."""

from datetime import UTC, datetime

from talent.accounts.models import User
from talent.audit.services import audit_record
from tests.conftest import login, text_of
from tests.exports.helpers import attachment_name, csv_rows, xlsx_rows
from tests.factories import world


async def _entries(w) -> None:
    street_a, street_b = w["regions"]["street_a"], w["regions"]["street_b"]
    admin = w["users"]["admin"]
    await audit_record(
        actor=admin,
        action="update",
        entity="station",
        entity_id=w["stations"][0].id,
        summary="S1",
        before={"name": "旧名"},
        after={"name": "=1+1"},
        region_path=street_a.path,
        organisation_id=w["orgs"][0].id,
    )
    await audit_record(
        actor=admin,
        action="create",
        entity="station",
        entity_id=w["stations"][2].id,
        summary="S3",
        after={"code": "S3"},
        region_path=street_b.path,
        organisation_id=w["orgs"][1].id,
    )


async def test_the_audit_export_holds_the_entries_in_scope_with_their_change_neutralised(client):
    w = await world()
    await _entries(w)
    await login(client, "hr")  # organisation A: only the S1 entry
    response = await client.get("/audit/export", params={"format": "csv"})
    assert response.status_code == 200
    assert attachment_name(response).startswith("audit-") and attachment_name(response).endswith(".csv")
    rows = csv_rows(response)
    assert rows[0] == ["When (UTC)", "Who", "Action", "Record", "ID", "Name", "Summary", "Change"]
    assert len(rows) == 2
    when, who, action, record, entity_id, name, summary, change = rows[1]
    assert datetime.fromisoformat(when).year == datetime.now(UTC).year
    assert [who, action, record, entity_id, summary] == ["admin", "Changed", "Station", str(w["stations"][0].id), "S1"]
    # The station is in HR's organisation: named, as on the page; field names read as the page shows them.
    assert name == "社工站1"
    assert change == "Name: 旧名 → =1+1"


async def test_the_audit_export_names_the_records_a_change_refers_to_and_leaves_other_values_as_written(client):
    # The export's first reading decodes a document only when its text holds a key that may name a record: a
    # reference in either document is named, and a document without one keeps its values (a value that merely
    # mentions such a key's text is not a reference).
    w = await world()
    admin, street_a = w["users"]["admin"], w["regions"]["street_a"]
    s0, s1 = w["stations"][0], w["stations"][1]
    await audit_record(
        actor=admin,
        action="transfer",
        entity="spell",
        entity_id=1,
        summary="T1",
        before={"station_id": s0.id, "note": "moved"},
        after={"station_id": s1.id, "note": 'see "station_id"'},
        region_path=street_a.path,
    )
    await audit_record(
        actor=admin,
        action="update",
        entity="region",
        entity_id=street_a.id,
        summary="R1",
        after={"parent_id": w["regions"]["county_a"].id},
        region_path=street_a.path,
    )
    await audit_record(actor=admin, action="update", entity="tier", entity_id=1, summary="N1", after={"name": "一级"})
    await login(client, "admin")
    rows = {r[6]: r for r in csv_rows(await client.get("/audit/export", params={"format": "csv"}))[1:]}
    assert rows["T1"][7].splitlines() == [
        f"Station: {s0.name} → {s1.name}",
        'Note: moved → see "station_id"',
    ]
    assert rows["R1"][5] == street_a.name
    assert rows["R1"][7] == f"Parent: {w['regions']['county_a'].name}"
    assert rows["N1"][7] == "Name: 一级"
    # A change that names no record is kept as text per locale: the same documents read in Chinese are in Chinese.
    client.cookies.set("talent_lang", "zh_CN")
    rows = {r[6]: r for r in csv_rows(await client.get("/audit/export", params={"format": "csv"}))[1:]}
    assert rows["N1"][7] == "名称：一级"
    assert rows["T1"][7].splitlines()[0] == f"社工站：{s0.name} → {s1.name}"


async def test_the_audit_export_follows_the_search_and_type_filter_in_chinese(client):
    w = await world()
    await _entries(w)
    await login(client, "admin")
    client.cookies.set("talent_lang", "zh_CN")
    rows = xlsx_rows(await client.get("/audit/export", params={"entity": "station", "q": "S3"}))
    assert rows[0][1:4] == ["操作人", "操作", "记录"]
    assert len(rows) == 2 and rows[1][6] == "S3"
    assert isinstance(rows[1][0], datetime)  # a real date-time cell (UTC, no time zone)
    # Labels in the viewer's language, produced while the file streams.
    assert rows[1][2:4] == ["新建", "社工站"] and rows[1][5] == "社工站3" and rows[1][7] == "编码：S3"


async def test_a_formula_in_an_audit_change_is_neutralised_when_it_starts_the_cell(client):
    w = await world()
    await audit_record(actor=None, action="create", entity="worker", entity_id=1, summary="@SUM(A1)")
    await login(client, "admin")
    rows = csv_rows(await client.get("/audit/export", params={"format": "csv", "q": "SUM"}))
    assert rows[1][6] == "'@SUM(A1)"
    assert w


async def test_supervisors_and_workers_may_not_export_the_audit_log(client):
    await world()
    for role in ("supervisor", "worker"):
        client.cookies.delete("talent_session")
        await login(client, role)
        assert (await client.get("/audit/export")).status_code == 403


async def test_the_account_export_is_for_admins_and_lists_the_filtered_accounts(client):
    w = await world()
    await User.filter(id=w["users"]["bureau"].id).update(display_name="县局", is_active=False)
    await login(client, "admin")
    response = await client.get("/admin/users/export", params={"format": "csv", "role": "bureau"})
    assert attachment_name(response).startswith("accounts-")
    rows = csv_rows(response)
    assert rows[0] == ["Username", "Full name", "Role", "Scope", "Last sign-in (UTC)", "Status"]
    assert rows[1:] == [
        ["bureau", "县局", "Civil-affairs bureau", "玄武区", "", "Disabled"],
        ["citybureau", "", "Civil-affairs bureau", "南京市", "", "Enabled"],
    ]
    # The labels in the reader's language, produced while the file streams.
    client.cookies.set("talent_lang", "zh_CN")
    rows = csv_rows(await client.get("/admin/users/export", params={"format": "csv", "role": "bureau"}))
    assert rows[1][2:] == ["民政局", "玄武区", "", "停用"]
    client.cookies.delete("talent_lang")
    # Sorted by last sign-in, most recent first: only admin has signed in.
    rows = xlsx_rows(await client.get("/admin/users/export", params={"sort": "-last_login"}))
    assert len(rows) == 1 + 6
    # Where the never-signed-in accounts (NULL) go is the database's choice; the signed-in admin has a time.
    admin_row = next(r for r in rows[1:] if r[0] == "admin")
    assert isinstance(admin_row[4], datetime) and admin_row[5] == "Enabled"
    # The scope: the region, else the organisation, else the worker; every region for the administrator and the
    # stations assigned to them for a supervisor (both had an empty cell).
    scopes = {r[0]: r[3] for r in rows[1:]}
    assert (scopes["hr"], scopes["worker"]) == (w["orgs"][0].name, w["workers"][0].name)
    assert (scopes["admin"], scopes["supervisor"]) == ("All regions", "Stations assigned to them")
    # The list says the same, in the reader's language.
    client.cookies.set("talent_lang", "zh_CN")
    page = text_of((await client.get("/admin/users")).text)
    assert "全部行政区划" in page and "所督导的社工站" in page
    client.cookies.delete("talent_lang")
    for role in ("citybureau", "hr", "supervisor"):
        client.cookies.delete("talent_session")
        await login(client, role)
        assert (await client.get("/admin/users/export")).status_code == 403
