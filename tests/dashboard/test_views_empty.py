"""The analytics screens on a database with nothing in it (apart from tests/dashboard/test_views.py, whose
tests share rows built once for the module)."""

import pytest
from django.urls import reverse

from tests.dashboard.test_views import ANALYTICS_PAGES
from tests.factories import UserFactory


@pytest.mark.django_db
def test_analytics_pages_never_fail_on_an_empty_database(client, db):
    client.force_login(UserFactory(roles=["Admin"]))
    for name, kwargs in ANALYTICS_PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name
    for metric in ("mrr", "billed", "due", "collected", "receivable", "churned-customers"):
        assert client.get(reverse("staff:analytics-drill", args=[metric])).status_code == 200
    assert client.get(reverse("staff:analytics-drill", args=["movement"]) + "?kind=new").status_code == 200
    assert client.get(reverse("staff:analytics-drill", args=["nonsense"])).status_code == 404
    assert client.get(reverse("staff:analytics-dashboard") + "?month=not-a-date").status_code == 404
