"""A manager filters the high-risk customers, opens one, reads the reasons, plans a call and has Gemini
draft the call script and SMS (Gemini reached through the real SDK and an httpx2.MockTransport: the live
server runs in this process, so the transport in settings reaches it)."""

import json
import re
from datetime import timedelta

import httpx2
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from churn.models import RetentionCallTask
from churn.retention_services import gemini_settings_update
from tests.churn.retention_factories import score
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import UserFactory, make_customer

SHOTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True)
def test_manager_filters_high_risk_opens_one_plans_a_call_and_drafts_a_script(page, settings):
    manager = UserFactory(roles=["Manager"], first_name="Mahmud", last_name="Hasan")
    karim = make_customer(name="Karim Uddin", language="bn")
    score(karim, "high")
    score(make_customer(name="Salma Khatun"), "medium")
    gemini_settings_update(actor=None, api_key="test-key", model_name="gemini-2.5-flash")
    requests = []

    def gemini_answers(request):
        requests.append(json.loads(request.content))
        drafts = {
            "call_script": "নমস্কার করিম ভাই। আমরা দেখেছি আপনার বিল দেরিতে পরিশোধ হচ্ছে এবং ব্যবহার কমেছে। কোনো সমস্যা হচ্ছে কি?",
            "sms": "প্রিয় করিম, আপনার সংযোগ নিয়ে কথা বলতে চাই। অনুগ্রহ করে আমাদের ফোন করুন।",
        }
        body = {"candidates": [{"content": {"role": "model", "parts": [{"text": json.dumps(drafts, ensure_ascii=False)}]}}]}
        return httpx2.Response(200, json=body)

    settings.GEMINI_HTTP_TRANSPORT = httpx2.MockTransport(gemini_answers)

    sign_in_staff(page, manager)
    page.get_by_role("link", name="At-risk customers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("At-risk customers")
    expect(page.locator("#retention-list")).to_contain_text("Salma Khatun")
    page.get_by_label("Risk band").select_option("high")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#retention-list")).not_to_contain_text("Salma Khatun")
    # The choice and the button each asked for the list (the second replaces the first, hx-sync): the link is
    # followed once the last answer is in, or its URL push cancels the page the link opens.
    expect(page).to_have_url(re.compile(r"band=high"))
    expect(page.locator("#retention-filters")).not_to_have_class(re.compile("htmx-request"))
    row = page.locator(f"#risk-{karim.pk}")
    expect(row).to_contain_text("High")
    expect(row).to_contain_text("Paid 18 days late twice")
    row.get_by_role("link", name="Karim Uddin").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Karim Uddin")
    reasons = page.locator("#risk-reasons")
    expect(reasons).to_contain_text("Paid 18 days late twice")
    expect(reasons).to_contain_text("Usage down 60% this month")
    expect(page.locator("#retention-risk")).to_contain_text("দুইবার ১৮ দিন দেরিতে পরিশোধ")  # he speaks Bangla

    page.get_by_text("Plan a call").click()
    page.get_by_label("Who calls").select_option(str(manager.pk))
    page.get_by_label("Call by").fill((timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Create call task").click()
    expect(page.locator("body")).to_contain_text("Call task created.")
    task = RetentionCallTask.objects.get(customer=karim)
    call = page.locator(f"#call-{task.pk}")
    expect(call).to_contain_text("Mahmud Hasan calls by")

    call.get_by_text("Call script and SMS").click()
    call.get_by_role("button", name="Draft with Gemini").click()
    call = page.locator(f"#call-{task.pk}")
    expect(call.get_by_label("Call script")).to_have_value(
        "নমস্কার করিম ভাই। আমরা দেখেছি আপনার বিল দেরিতে পরিশোধ হচ্ছে এবং ব্যবহার কমেছে। কোনো সমস্যা হচ্ছে কি?"
    )
    expect(call.get_by_label("SMS draft")).to_have_value("প্রিয় করিম, আপনার সংযোগ নিয়ে কথা বলতে চাই। অনুগ্রহ করে আমাদের ফোন করুন।")
    expect(call).to_contain_text("drafted by Gemini")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "retention-customer-gemini-drafts.png"), full_page=True)

    (prompt,) = requests
    text = prompt["contents"][0]["parts"][0]["text"]
    assert "Bangla" in text and "দুইবার ১৮ দিন দেরিতে পরিশোধ" in text  # his reasons, in his language
    task.refresh_from_db()
    assert task.drafts_by_gemini and task.drafts_language == "bn"
