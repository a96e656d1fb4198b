"""Demo contracts (run after seed_demo): templates in English and Bangla (the English one in two
versions), and contracts in every state — draft, sent (the portal demo login has one to sign),
signed with a future start, active, active and expiring within 30 days, expired, renewed (with its
renewal), terminated with its early-termination fee invoiced, and void — plus a one-time charge
waiting for the next invoice and a credit note. Written through the services, so numbers, PDFs,
hashes and the event chains are real.

The rules (which template new subscriptions and package changes get) are seeded too: every package
on the home template, sent at once; static-IP connections drafted only, with a fixed fee. One
active contract was signed on the demo technician's phone on site (a witness in its evidence), and
one package change left a replacement waiting for the signature beside the contract in force.

Idempotent and deterministic: once the demo template exists nothing is written again (the rules
are added once, on their own).
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from billing.charges import Item, credit_note_issue, manual_invoice_create, one_time_charge_add
from contracts import services, signing
from contracts.models import Contract, ContractRule, ContractTemplate, SigningChannel, SigningSession
from customers.models import Customer, Subscription

EN_BODY = """This internet service agreement is made between {{ isp_name }} and {{ customer_name }} (account {{ account_number }}), of {{ customer_address }}, registered phone {{ customer_phone }}.

1. Service. The provider supplies the package {{ package_name }} ({{ package_speed }}) for {{ price_per_cycle }} per billing cycle ({{ billing_cycle }}), VAT included.

2. Term. The agreement runs for {{ term_months }} months, from {{ start_date }} to {{ end_date }}. It renews itself for the same term: {{ auto_renewal }}. Either party may stop the renewal with {{ notice_days }} days' notice before the end.

3. Equipment. {{ equipment }}. Equipment lent remains the provider's property and is returned when the service ends.

4. Early termination. If the customer ends the service before the end of the term, an early-termination fee applies: {{ termination_fee }}.

5. Payment. Invoices are due as stated on each invoice; the service may be suspended when an invoice is overdue.

Contract {{ contract_number }}."""

BN_BODY = """এই ইন্টারনেট সেবা চুক্তি {{ isp_name }} এবং {{ customer_name }} (অ্যাকাউন্ট {{ account_number }}), ঠিকানা {{ customer_address }}, নিবন্ধিত ফোন {{ customer_phone }}-এর মধ্যে সম্পাদিত হলো।

১. সেবা। প্রদানকারী {{ package_name }} ({{ package_speed }}) প্যাকেজটি প্রতি বিলিং চক্রে ({{ billing_cycle }}) ভ্যাটসহ {{ price_per_cycle }} মূল্যে সরবরাহ করবে।

২. মেয়াদ। চুক্তির মেয়াদ {{ term_months }} মাস, {{ start_date }} থেকে {{ end_date }} পর্যন্ত। একই মেয়াদে স্বয়ংক্রিয় নবায়ন: {{ auto_renewal }}। মেয়াদ শেষের {{ notice_days }} দিন আগে নোটিশ দিয়ে যেকোনো পক্ষ নবায়ন বন্ধ করতে পারবে।

৩. সরঞ্জাম। {{ equipment }}। ধারে দেওয়া সরঞ্জাম প্রদানকারীর সম্পত্তি থাকবে এবং সেবা শেষ হলে ফেরত দিতে হবে।

৪. আগাম সমাপ্তি। মেয়াদ শেষের আগে গ্রাহক সেবা বন্ধ করলে আগাম সমাপ্তি ফি প্রযোজ্য: {{ termination_fee }}।

৫. পরিশোধ। প্রতিটি ইনভয়েসে লেখা তারিখের মধ্যে বিল পরিশোধ করতে হবে; কোনো ইনভয়েসের মেয়াদ পেরিয়ে গেলে সেবা স্থগিত হতে পারে।

চুক্তি নম্বর {{ contract_number }}।"""

# What the demo lends, in the words of the customer's language (the contract shows it as typed).
EQUIPMENT = {"en": "ONU (lent), Wi-Fi router (lent)", "bn": "ONU (ধারে দেওয়া), ওয়াই-ফাই রাউটার (ধারে দেওয়া)"}


def _signature_png() -> str:
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(12, 90), (60, 30), (95, 85), (140, 35), (190, 80), (250, 40), (340, 70)], fill=(20, 20, 80, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class Command(BaseCommand):
    help = "Demo contracts in every state, one-time charges and a credit note (after seed_demo). Safe to run again."

    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
        if ContractTemplate.objects.filter(key="home-internet").exists():
            self.stdout.write("Contracts: already seeded.")
        else:
            # Each contract's services in their own transactions, not all in one: sending and signing
            # render PDFs (a second or more each), and `make run` loads this beside the web server, which
            # waits for SQLite's write lock while one is open (demo/yielding.py).
            counts = self.seed(admin)
            self.stdout.write("Contracts: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        if not ContractRule.objects.exists():
            with transaction.atomic():
                services.contract_rule_save(actor=admin, rule=ContractRule(
                    template_key="home-internet", fee_kind="per_month", fee_value=Decimal("300")))
                services.contract_rule_save(actor=admin, rule=ContractRule(
                    template_key="home-internet", connection_type="static", fee_kind="fixed", fee_value=Decimal("3000"),
                    send_at_once=False))
            self.stdout.write("Contracts: 2 rules")

    def _sign(self, contract: Contract, name: str, *, on_site_by=None) -> None:
        """Sign as the customer would, past the one-time code (the demo has no phone to read it on);
        `on_site_by`: on that technician's phone, at a visit."""
        contract.refresh_from_db()
        session = None
        if on_site_by is not None:
            now = timezone.now()
            session = SigningSession.objects.create(contract=contract, channel=SigningChannel.ON_SITE, witness=on_site_by,
                                                    created_at=now, expires_at=now + timedelta(minutes=10))
        signing.sign(session=session, 
            contract=contract, png=signing.signature_png(_signature_png()), signer_name=name,
            consent_text=services.consent_text_for(contract), ip="203.0.113.24",
            user_agent="Mozilla/5.0 (Linux; Android 14; demo) Chrome/131 Mobile", latitude=Decimal("23.780600"),
            longitude=Decimal("90.407000"), device_time=timezone.localtime().strftime("%a %b %d %Y %H:%M:%S GMT+0600"),
        )
        contract.refresh_from_db()

    def seed(self, admin) -> dict[str, int]:
        today = timezone.localdate()
        services.contract_template_save(actor=admin, key="home-internet", language="en", title="Home internet agreement",
                                        body=EN_BODY.replace("{{ equipment }}. Equipment", "Equipment: {{ equipment }}. It"))
        en = services.contract_template_save(actor=admin, key="home-internet", language="en", title="Home internet agreement", body=EN_BODY)
        services.contract_template_save(actor=admin, key="home-internet", language="bn", title="হোম ইন্টারনেট চুক্তি", body=BN_BODY)

        active = list(
            Subscription.objects.filter(status=Subscription.Status.ACTIVE).select_related("customer", "package").order_by("customer_id", "id")
        )
        portal = Customer.objects.filter(user__isnull=False).order_by("id").first()
        portal_subs = [s for s in active if portal and s.customer_id == portal.pk]
        others = [s for s in active if not portal or s.customer_id != portal.pk]
        counts = {"contracts": 0}

        def make(subscription, *, start=None, fee_kind="per_month", fee_value=Decimal("300"), term=12, auto_renew=True):
            counts["contracts"] += 1
            return services.contract_create(
                actor=admin, subscription=subscription, template=en, term_months=term, start_date=start or today,
                auto_renew=auto_renew, fee_kind=fee_kind, fee_value=fee_value, equipment=EQUIPMENT.get(subscription.customer.language, EQUIPMENT["en"]),
            )

        def sent(contract):
            return services.contract_send(actor=admin, contract=contract)

        if portal_subs:
            # The portal login: one active signed contract and one waiting for the signature.
            signed = sent(make(portal_subs[0], start=today - timedelta(days=60)))
            self._sign(signed, portal.name)
            sent(make(portal_subs[0], fee_kind="percent", fee_value=Decimal("50"), term=24))
        it = iter(others)
        take = lambda: next(it, None)  # noqa: E731
        if (s := take()) is not None:
            make(s)  # draft
        if (s := take()) is not None:
            sent(make(s, fee_kind="fixed", fee_value=Decimal("2000")))  # sent, unsigned
        if (s := take()) is not None:
            self._sign(sent(make(s, start=today + timedelta(days=7))), s.customer.name)  # signed, starts next week
        if (s := take()) is not None:  # active, signed on the technician's phone at the installation
            technician = get_user_model().objects.filter(kind="technician").order_by("id").first()
            self._sign(sent(make(s, start=today - timedelta(days=90))), s.customer.name, on_site_by=technician)
        if (s := take()) is not None:  # active, and a package change's replacement waiting for the signature
            current = sent(make(s, start=today - timedelta(days=30)))
            self._sign(current, s.customer.name)
            counts["contracts"] += 1
            sent(services.contract_create(actor=admin, subscription=s, template=en, term_months=12, fee_kind="per_month",
                                          fee_value=Decimal("300"), replaces=current, origin="change (demo)"))
        if (s := take()) is not None:  # active, ends within 30 days
            self._sign(sent(make(s, start=today - timedelta(days=345), auto_renew=False)), s.customer.name)
        if (s := take()) is not None:  # expired yesterday (no auto-renewal)
            self._sign(sent(make(s, start=today - timedelta(days=400), auto_renew=False)), s.customer.name)
        if (s := take()) is not None:  # renewed (auto-renewal) by the daily job
            self._sign(sent(make(s, start=today - timedelta(days=380))), s.customer.name)
        if (s := take()) is not None:  # terminated early: the fee is invoiced
            contract = sent(make(s, start=today - timedelta(days=120), fee_kind="per_month", fee_value=Decimal("400")))
            self._sign(contract, s.customer.name)
            services.contract_terminate(actor=admin, contract=contract, reason="Customer moved out of the coverage area")
        if (s := take()) is not None:
            services.contract_void(actor=admin, contract=sent(make(s)), reason="Drafted on the wrong package")
        # The expired and renewed ones were signed with their end in the past: the daily job moves them.
        services.contracts_daily(today=today)

        # Billing demo: a charge waiting for the next invoice, a manual invoice with a credit note.
        if (s := take()) is not None:
            one_time_charge_add(actor=admin, customer=s.customer, subscription=s, kind="relocation", amount=Decimal("800"),
                                description="Relocation to Road 12, House 5")
            invoice = manual_invoice_create(actor=admin, customer=s.customer, items=[
                Item("equipment_sale", "Wi-Fi router TP-Link Archer C6", Decimal("3200")),
                Item("installation", "Extra fiber drop, 40 m", Decimal("600")),
            ])
            credit_note_issue(actor=admin, invoice=invoice, amount=Decimal("600"), reason="Fiber drop waived as goodwill")
            counts["one-time charges"] = 3
            counts["credit notes"] = 1
        return counts
