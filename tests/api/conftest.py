import json

import pytest

from api.models import READ, WRITE
from api.tokens import token_create
from tests.factories import AreaFactory, BranchFactory, admin_user, make_customer

ALL_WRITE = {"customers": WRITE, "billing": WRITE, "payments": WRITE, "tickets": WRITE, "network": WRITE}
ALL_READ = {area: READ for area in ALL_WRITE}


class Api:
    """The Django test client speaking JSON with a bearer token."""

    def __init__(self, client, raw: str | None):
        self.client, self.raw = client, raw

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"} if self.raw else {}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, **self._headers())

    def post(self, url, body=None):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body or {})
        return self.client.post(url, data=data, content_type="application/json", **self._headers())


@pytest.fixture
def branches(db):
    return BranchFactory(name="North", code="N"), BranchFactory(name="South", code="S")


@pytest.fixture
def areas(branches):
    return AreaFactory(branch=branches[0], name="North 1"), AreaFactory(branch=branches[1], name="South 1")


@pytest.fixture
def maker(db):
    return admin_user(username="integrations-admin")


@pytest.fixture
def make_token(maker):
    def make(scopes=None, *, name="Accounting sync", branches=None, rate=1000):
        token, raw = token_create(
            actor=maker, name=name, scopes=scopes or ALL_WRITE, all_branches=branches is None, branches=branches or (),
            rate_per_minute=rate,
        )
        return token, raw

    return make


@pytest.fixture
def api_as(client, make_token):
    def for_scopes(scopes=None, **kwargs):
        _token, raw = make_token(scopes, **kwargs)
        return Api(client, raw)

    return for_scopes


@pytest.fixture
def anonymous(client):
    return Api(client, None)


@pytest.fixture
def north_customer(areas):
    return make_customer(area=areas[0], name="Karim North")


@pytest.fixture
def south_customer(areas):
    return make_customer(area=areas[1], name="Salma South")
