"""Work kept for after the response (ispbill/core/after_response.py): run once the server closes the
response, in the order kept, even when the view failed; at once outside a request; a failure logged."""

import logging

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from ispbill.core.after_response import after_response

done: list[str] = []


def keeps_two(request):
    after_response(lambda: done.append("first"))
    after_response(lambda: done.append("second"))
    done.append("view")
    return HttpResponse("answered")


def keeps_then_fails(request):
    after_response(lambda: done.append("kept before failing"))
    raise RuntimeError("the view broke")


def keeps_a_broken_one(request):
    after_response(lambda: 1 / 0)
    after_response(lambda: done.append("after the broken one"))
    return HttpResponse("answered")


urlpatterns = [path("keeps-two/", keeps_two), path("fails/", keeps_then_fails), path("broken/", keeps_a_broken_one)]


@pytest.fixture(autouse=True)
def routes(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    done.clear()


@pytest.fixture(autouse=True)
def _no_database_checks():
    """These requests need no database, and these tests have none: a connection an earlier test left open
    must not be health-checked at the request's start and end (Django's test client skips it the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def serve(url: str):
    statuses = []
    response = WSGIHandler()(RequestFactory().get(url).environ, lambda status, headers: statuses.append(status))
    return statuses, b"".join(response), response


def test_kept_work_runs_when_the_server_closes_the_response_in_order():
    statuses, body, response = serve("/keeps-two/")
    assert (statuses, body, done) == (["200 OK"], b"answered", ["view"])  # the answer is out; nothing ran yet
    response.close()
    assert done == ["view", "first", "second"]


def test_work_kept_before_the_view_failed_still_runs(caplog):
    statuses, _body, response = serve("/fails/")
    assert statuses == ["500 Internal Server Error"]
    response.close()
    assert done == ["kept before failing"]


def test_a_failing_piece_is_logged_and_the_rest_still_runs(caplog):
    _statuses, _body, response = serve("/broken/")
    with caplog.at_level(logging.ERROR, logger="ispbill.core.after_response"):
        response.close()
    assert done == ["after the broken one"]
    assert "ZeroDivisionError" in caplog.text


def test_outside_a_request_the_work_runs_at_once():
    after_response(lambda: done.append("now"))
    assert done == ["now"]
