"""Edges of the permission table that mutation testing found untested: no role, an unknown role, a typo."""

from talent.core.access import Permission, Role, Scope, can


def test_a_permission_is_its_roles_and_nobody_elses():
    assert can(Role.HR, Permission.WORKERS_EDIT) and can("hr", "workers.edit")  # a role's value works too
    assert not can(Role.SUPERVISOR, Permission.WORKERS_EDIT)
    assert Scope(user_id=1, role=Role.WORKER).can(Permission.LEARN)
    assert not Scope(user_id=1, role=Role.WORKER).can(Permission.ACCOUNTS)


def test_no_role_an_unknown_role_or_a_mistyped_permission_opens_nothing():
    assert can(None, Permission.DASHBOARD) is False
    assert can("nobody", Permission.DASHBOARD) is False
    assert can(Role.ADMIN, "workers.edti") is False  # a typo is nobody's, not even an admin's
