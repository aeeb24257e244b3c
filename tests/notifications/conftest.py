import pytest

from tests.certification.conftest import include_certification_routers


@pytest.fixture
def app(db):
    from talent.app import create_app

    return include_certification_routers(create_app(manage_db=False))
