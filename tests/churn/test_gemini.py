"""The Gemini adapter through the real google-genai SDK, with an httpx2.MockTransport at the HTTP
boundary (google-genai 3.4 uses httpx2; no network): success, timeout, malformed JSON, quota."""

import json
from datetime import timedelta

import httpx2
import pytest
from django.utils import timezone

from churn import gemini
from churn.models import GeminiSettings, RetentionCallTask
from churn.retention_services import call_task_create, call_task_drafts_generate, gemini_settings_update
from tests.factories import admin_user, make_customer


def answer(payload: str) -> httpx2.Response:
    return httpx2.Response(200, json={"candidates": [{"content": {"role": "model", "parts": [{"text": payload}]}, "finishReason": "STOP"}]})


class Recorder:
    def __init__(self, respond):
        self.respond, self.requests = respond, []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.respond(request)


@pytest.fixture
def transport(settings):
    def install(respond):
        recorder = Recorder(respond)
        settings.GEMINI_HTTP_TRANSPORT = httpx2.MockTransport(recorder)
        return recorder

    settings.GEMINI_API_KEY = ""
    settings.GEMINI_ATTEMPTS = 2
    settings.GEMINI_TIMEOUT_MS = 1500
    return install


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(gemini, "RETRY_INITIAL_DELAY", 0.01)
    monkeypatch.setattr(gemini, "RETRY_MAX_DELAY", 0.02)


FACTS = {"first_name": "Karim", "reasons": ["Paid 18 days late twice", "Usage down 60% this month"], "packages": [{"name": "Basic 10"}]}


@pytest.mark.django_db
def test_without_a_key_it_is_not_configured_and_refuses_without_a_request(transport):
    recorder = transport(lambda request: answer("{}"))
    assert not gemini.is_configured()
    with pytest.raises(gemini.GeminiUnavailable):
        gemini.retention_drafts(facts=FACTS, language="en")
    assert recorder.requests == []


@pytest.mark.django_db
def test_success_sends_the_schema_the_key_and_the_language_and_returns_the_drafts(transport):
    gemini_settings_update(actor=None, api_key="key-from-settings", model_name="gemini-2.5-flash")
    drafts = {"call_script": "নমস্কার করিম ভাই, ...", "sms": "প্রিয় করিম, আপনার সংযোগ নিয়ে কথা বলতে চাই।"}
    recorder = transport(lambda request: answer(json.dumps(drafts, ensure_ascii=False)))
    result = gemini.retention_drafts(facts=FACTS, language="bn")
    assert result.call_script == drafts["call_script"] and result.sms == drafts["sms"]
    (request,) = recorder.requests
    assert request.url.path.endswith("/models/gemini-2.5-flash:generateContent")
    assert request.headers["x-goog-api-key"] == "key-from-settings"
    body = json.loads(request.content)
    assert body["generationConfig"]["responseMimeType"] == "application/json"
    schema = body["generationConfig"].get("responseSchema") or body["generationConfig"].get("responseJsonSchema")
    assert set(schema["properties"]) == {"call_script", "sms"}
    prompt = body["contents"][0]["parts"][0]["text"]
    assert "Bangla" in prompt and "Paid 18 days late twice" in prompt
    assert "probability" not in prompt  # it never sees or decides the score


@pytest.mark.django_db
def test_the_environment_key_is_the_fallback(transport, settings):
    settings.GEMINI_API_KEY = "key-from-env"
    recorder = transport(lambda request: answer(json.dumps({"call_script": "Hello", "sms": "Hi"})))
    assert gemini.is_configured()
    gemini.retention_drafts(facts=FACTS, language="en")
    assert recorder.requests[0].headers["x-goog-api-key"] == "key-from-env"


@pytest.mark.django_db
def test_the_key_is_stored_encrypted(transport):
    gemini_settings_update(actor=None, api_key="secret-key-123", model_name="gemini-2.5-flash")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM churn_geminisettings")
        (stored,) = cursor.fetchone()
    assert "secret-key-123" not in stored
    assert GeminiSettings.objects.get().api_key == "secret-key-123"


@pytest.mark.django_db
def test_timeout_is_retried_then_reported(transport):
    gemini_settings_update(actor=None, api_key="k", model_name="gemini-2.5-flash")

    def slow(request):
        raise httpx2.ReadTimeout("no answer", request=request)

    recorder = transport(slow)
    with pytest.raises(gemini.GeminiUnavailable, match="in time"):
        gemini.retention_drafts(facts=FACTS, language="en")
    assert len(recorder.requests) == 2  # GEMINI_ATTEMPTS
    assert recorder.requests[0].extensions["timeout"]["read"] == pytest.approx(1.5)


@pytest.mark.django_db
def test_malformed_json_is_reported(transport):
    gemini_settings_update(actor=None, api_key="k", model_name="gemini-2.5-flash")
    transport(lambda request: answer('{"call_script": "Hello", "sms": '))
    with pytest.raises(gemini.GeminiUnavailable, match="could not be read"):
        gemini.retention_drafts(facts=FACTS, language="en")


@pytest.mark.django_db
def test_quota_error_is_retried_then_reported(transport):
    gemini_settings_update(actor=None, api_key="k", model_name="gemini-2.5-flash")
    recorder = transport(lambda request: httpx2.Response(
        429, json={"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}
    ))
    with pytest.raises(gemini.GeminiUnavailable, match="quota"):
        gemini.retention_drafts(facts=FACTS, language="en")
    assert len(recorder.requests) == 2


@pytest.mark.django_db
def test_generated_drafts_are_kept_on_the_call_task_and_a_failure_keeps_what_was_there(transport):
    gemini_settings_update(actor=None, api_key="k", model_name="gemini-2.5-flash")
    staff = admin_user()
    customer = make_customer(name="Karim Mia", language="bn")
    task = call_task_create(actor=staff, customer=customer, assignee=staff, due_date=timezone.localdate() + timedelta(days=1))
    transport(lambda request: answer(json.dumps({"call_script": "স্ক্রিপ্ট", "sms": "প্রিয় করিম"}, ensure_ascii=False)))
    call_task_drafts_generate(actor=staff, task=task)
    task.refresh_from_db()
    assert (task.script, task.sms_draft, task.drafts_language, task.drafts_by_gemini) == ("স্ক্রিপ্ট", "প্রিয় করিম", "bn", True)
    transport(lambda request: answer("not json"))
    with pytest.raises(gemini.GeminiUnavailable):
        call_task_drafts_generate(actor=staff, task=task)
    assert RetentionCallTask.objects.get(pk=task.pk).script == "স্ক্রিপ্ট"


@pytest.mark.django_db
def test_the_narrative_sent_to_gemini_gives_the_day_the_customer_joined(transport):
    """A customer brought over from the old system joined on 15 March 2019, though their row was made
    today: Gemini is told 2019-03-15 (it was told the day of the import)."""
    from datetime import date

    gemini_settings_update(actor=None, api_key="k", model_name="gemini-2.5-flash")
    staff = admin_user()
    customer = make_customer(name="Karim Mia", customer_since=date(2019, 3, 15))
    task = call_task_create(actor=staff, customer=customer, assignee=staff, due_date=timezone.localdate() + timedelta(days=1))
    recorder = transport(lambda request: answer(json.dumps({"call_script": "Hello", "sms": "Hi"})))

    call_task_drafts_generate(actor=staff, task=task)

    prompt = json.loads(recorder.requests[0].content)["contents"][0]["parts"][0]["text"]
    facts = json.loads(prompt.split("Customer and account facts (JSON):\n", 1)[1])
    assert facts["customer_since"] == "2019-03-15" != timezone.localdate().isoformat()
