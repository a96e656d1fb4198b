"""Lists that search as you type do not search again when the search box loses focus.

Tapping a result blurs the box first, and the box's `change` used to send the same search again: its answer
pushed the list's URL into the history while the tapped link's page was loading, and that push cancelled the
navigation, so the tap went nowhere. A filter's select still searches on its `change`."""

import pytest
from playwright.sync_api import expect

from tests.e2e.staff_pages import staff_sign_in
from tests.factories import admin_user
from tests.resellers.helpers import make_reseller

# Dispatched in one script so that only what the two `change` events send synchronously is counted, never the
# typed search's delayed request.
SEARCHES_SENT_BY_CHANGE = """() => {
  const form = document.querySelector("form[hx-get][hx-push-url]");
  const box = form.querySelector("input[name=q]");
  let sent = 0;
  const count = () => { sent += 1; };
  document.body.addEventListener("htmx:beforeRequest", count);
  box.value = "rahim";
  box.dispatchEvent(new Event("change", {bubbles: true}));
  const byTheBox = sent;
  const select = form.querySelector("select");
  select.selectedIndex = select.options.length - 1;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  document.body.removeEventListener("htmx:beforeRequest", count);
  return {byTheBox: byTheBox, bySelect: sent - byTheBox};
}"""

STAFF_LISTS = [
    "/staff/customers/", "/staff/billing/invoices/", "/staff/tickets/", "/staff/settings/users/", "/staff/online/",
    "/staff/messages/", "/staff/work-orders/", "/staff/equipment/",
]


@pytest.mark.django_db(transaction=True)
def test_staff_lists_search_once_as_you_type_and_again_when_a_filter_changes(page):
    staff_sign_in(page, admin_user(username="searcher"))
    for url in STAFF_LISTS:
        page.goto(url)
        expect(page.locator("form[hx-get][hx-push-url] input[name=q]")).to_be_visible()
        assert page.evaluate(SEARCHES_SENT_BY_CHANGE) == {"byTheBox": 0, "bySelect": 1}, url


@pytest.mark.django_db(transaction=True)
def test_the_resellers_customer_list_searches_once_as_you_type_and_again_when_a_filter_changes(phone_page):
    reseller, *_ = make_reseller(price="600.00")
    phone_page.goto("/reseller/login/")
    phone_page.get_by_label("Username", exact=True).fill(reseller.user.username)
    phone_page.get_by_label("Password", exact=True).fill("reseller-pass-1")
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.locator("#wallet-balance")).to_be_visible()
    phone_page.goto("/reseller/customers/")
    expect(phone_page.locator("#id_q")).to_be_visible()
    assert phone_page.evaluate(SEARCHES_SENT_BY_CHANGE) == {"byTheBox": 0, "bySelect": 1}
