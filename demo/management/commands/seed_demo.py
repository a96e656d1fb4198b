"""Demo data for a Dhaka ISP: branches, areas, packages, routers, customers, leads and one login per role.

Deterministic and idempotent. Every record is generated from fixed seeds and
found again by a natural key (branch code, area name, package name, router
name, username, customer or lead phone): a second run creates nothing and
changes nothing. Customers, subscriptions, the catalogue, leads and the
collectors of areas and customers go through customers.services, so account
numbers are gap-free and every step is in the audit log; routers, resellers, users and field tasks have no services yet and
are created with the ORM.

Customer i is the same customer whatever `--customers` says, so a smaller run
is a prefix of a bigger one; `--customers` counts every customer, the ones
converted from leads among them. Dates are relative to today: customers look
recent whenever the demo is built.

The customers created by a run then live through the last `--months` months
(12 by default) by the real billing engine: daily billing runs, payments,
suspensions for non-payment and reactivations, reversals (_demo_history.py).

Demo logins (fixed passwords, printed at the end):

    staff       admin / demo-admin-2026 (superuser, Admin role; also /admin/)
                manager / demo-manager-2026, cashier / demo-cashier-2026,
                support / demo-support-2026, supervisor / demo-supervisor-2026, accountant / demo-accountant-2026,
                mirpur.cashier / demo-mirpur-2026 (Cashier, Mirpur branch only)
    technician  tech / demo-tech-2026
    reseller    reseller / demo-reseller-2026 (Pallabi; also reseller.uttara / demo-reseller-2026)
    portal      the first demo customer's account number or phone / demo-customer-2026
"""

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as time_of_day
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F as FieldRef
from django.utils import timezone

from billing.models import Invoice
from billing.selectors import billing_settings_cached, current_billing_settings
from billing.services import LineSpec, billing_settings_update, invoice_create
from customers import services
from customers.models import Area, Branch, Customer, Lead, Package, Subscription
from ispbill.accounts import roles
from ispbill.accounts.services import roles_ensure_defaults
from ispbill.core.phone import normalize_phone
from network import services as network_services
from network.models import Router, SpeedDestination
from payments.models import BkashSettings, NagadSettings, Payment
from resellers.models import Reseller
from usecases.package_create import package_create as usecases_package_create
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel as usecases_subscription_cancel
from usecases.subscription_create import subscription_create as usecases_subscription_create
from usecases.subscription_suspend import subscription_suspend as usecases_subscription_suspend

from . import _demo_history as history

SEED = 2026
DEMO_EMAIL_DOMAIN = "demonet.example"
CUSTOMER_PASSWORD = "demo-customer-2026"

# Catalogue ---------------------------------------------------------------------------------------

# (code, name, address, phone, [(area, latitude, longitude, address style, post code)])
BRANCHES = [
    (
        "MIR", "Mirpur", "House 7, Road 3, Block D, Mirpur 10, Dhaka-1216", "09612-110110",
        [
            ("Mirpur 1", 23.7957, 90.3537, "block", 1216),
            ("Mirpur 2", 23.8050, 90.3630, "block", 1216),
            ("Mirpur 10", 23.8069, 90.3687, "block", 1216),
            ("Mirpur 11", 23.8195, 90.3650, "block", 1216),
            ("Pallabi", 23.8262, 90.3640, "block", 1216),
            ("Kazipara", 23.7979, 90.3730, "mohalla", 1216),
            ("Shewrapara", 23.7904, 90.3758, "mohalla", 1216),
            ("Rupnagar", 23.8188, 90.3520, "block", 1216),
        ],
    ),
    (
        "DHN", "Dhanmondi", "House 52, Road 27 (old), Dhanmondi, Dhaka-1209", "09612-220220",
        [
            ("Dhanmondi 27", 23.7561, 90.3752, "road", 1209),
            ("Dhanmondi 15", 23.7440, 90.3720, "road", 1209),
            ("Jigatola", 23.7390, 90.3750, "mohalla", 1209),
            ("Kalabagan", 23.7470, 90.3830, "mohalla", 1205),
            ("Lalmatia", 23.7560, 90.3680, "block", 1207),
            ("Mohammadpur", 23.7620, 90.3590, "block", 1207),
            ("Shankar", 23.7505, 90.3685, "mohalla", 1207),
        ],
    ),
    (
        "UTT", "Uttara", "House 18, Road 7, Sector 4, Uttara, Dhaka-1230", "09612-330330",
        [
            ("Uttara Sector 4", 23.8636, 90.4010, "sector", 1230),
            ("Uttara Sector 7", 23.8690, 90.3950, "sector", 1230),
            ("Uttara Sector 10", 23.8770, 90.3870, "sector", 1230),
            ("Uttara Sector 11", 23.8760, 90.3920, "sector", 1230),
            ("Uttara Sector 13", 23.8720, 90.3800, "sector", 1230),
            ("Diabari", 23.8820, 90.3720, "mohalla", 1230),
            ("Abdullahpur", 23.8800, 90.4040, "mohalla", 1230),
        ],
    ),
]
BRANCH_WEIGHTS = {"MIR": 40, "DHN": 30, "UTT": 30}
# Bill collectors ("line men"): who covers each area (by login); the areas left out have nobody
# (Pallabi, Rupnagar, Diabari and Abdullahpur are largely resellers' customers, who pay their reseller).
AREA_COLLECTORS = {
    "MIR": ("mirpur.cashier", ("Mirpur 1", "Mirpur 2", "Mirpur 10", "Mirpur 11", "Kazipara", "Shewrapara")),
    "DHN": ("cashier", ("Dhanmondi 27", "Dhanmondi 15", "Jigatola", "Kalabagan", "Lalmatia", "Mohammadpur", "Shankar")),
    "UTT": ("cashier", ("Uttara Sector 4", "Uttara Sector 7", "Uttara Sector 10", "Uttara Sector 11", "Uttara Sector 13")),
}
# A few direct customers of Kazipara pay the head cashier in person: assigned to him one by one.
CUSTOMER_COLLECTOR = ("cashier", "MIR", "Kazipara", 3)

F, B, W = Package.Type.FIBER, Package.Type.BROADBAND, Package.Type.WIRELESS
# (name, type, down, up, price, OTT apps, live TV channels, FUP cap GB, router profile, active, weight)
# Speed classes and windows (docs/speeds.md): the worked example's package, and a family one with BDIX.
PACKAGE_SPEED_CLASSES = {
    "Home 20 Mbps": {"bdix_download_mbps": 100, "bdix_upload_mbps": 100, "cache_download_mbps": 100, "cache_upload_mbps": 100,
                     "speed_windows": [(time_of_day(0, 0), time_of_day(8, 0), 40, 40)]},
    "Family 50 Mbps": {"bdix_download_mbps": 200, "bdix_upload_mbps": 200, "cache_download_mbps": 150, "cache_upload_mbps": 150},
}
SPEED_DESTINATIONS = [
    ("bdix", "103.4.144.0/22 103.9.112.0/22 103.15.40.0/22 203.112.192.0/20"),
    ("cache", "10.77.0.0/24 10.77.1.0/24"),  # the ISP's own Google GGC and Facebook FNA nodes
]
PACKAGES = [
    ("Home Basic 5 Mbps", B, 5, 5, "500", "", 0, None, "BB-5M", True, 6),
    ("Air 8 Mbps", W, 8, 4, "600", "", 0, 150, "AIR-8M", True, 4),
    ("Home 10 Mbps", B, 10, 10, "700", "", 0, None, "BB-10M", True, 12),
    ("Air 15 Mbps", W, 15, 8, "900", "Toffee", 0, 300, "AIR-15M", True, 4),
    ("Home 20 Mbps", F, 20, 20, "1000", "Toffee", 80, None, "FTTH-20M", True, 22),
    ("Home 30 Mbps", F, 30, 30, "1200", "Toffee, Bioscope", 120, None, "FTTH-30M", True, 18),
    ("Family 50 Mbps", F, 50, 50, "1500", "Toffee, Bioscope, Hoichoi, Chorki", 150, None, "FTTH-50M", True, 14),
    ("Family 80 Mbps", F, 80, 80, "2000", "Toffee, Hoichoi, Chorki, Bongo", 180, None, "FTTH-80M", True, 7),
    ("Gamer 100 Mbps", F, 100, 100, "2200", "Bongo, iScreen", 0, None, "FTTH-100M-GAME", True, 5),
    ("Premium 200 Mbps", F, 200, 200, "2500", "Toffee, Bioscope, Hoichoi, Chorki, Bongo, iScreen", 220, None, "FTTH-200M", True, 4),
    ("Business 500 Mbps", F, 500, 500, "2800", "", 0, None, "BIZ-500M", True, 2),
    ("Gigabit 1 Gbps", F, 1000, 1000, "3000", "Toffee, Bioscope, Hoichoi, Chorki, Bongo, iScreen", 250, None, "FTTH-1G", True, 1),
    # Legacy plans kept for the history of old invoices; no longer sold.
    ("Cable Broadband 6 Mbps (2021)", B, 6, 6, "800", "", 0, None, "LEGACY-6M", False, 0),
    ("Night Owl 12 Mbps (2022)", B, 12, 6, "650", "", 0, 60, "LEGACY-NIGHT-12M", False, 0),
]

# Names -------------------------------------------------------------------------------------------

MUSLIM_MALE = [
    "Rahim", "Karim", "Sabbir", "Tanvir", "Rakib", "Shakil", "Imran", "Rafiqul", "Jahid", "Nazmul", "Mahmud",
    "Arif", "Faisal", "Masud", "Habibur", "Kamrul", "Shahin", "Sohel", "Mizanur", "Aminul", "Towhid", "Ashraful",
    "Belal", "Jubayer", "Nayeem", "Sajid", "Tahmid", "Zahid", "Mamun", "Riyad", "Fahim", "Shafiqul", "Monir",
    "Selim", "Ripon", "Babul", "Saiful", "Mahbubur", "Anwar", "Jamal", "Emon", "Hasibul", "Rasel", "Sakib",
]
MUSLIM_FEMALE = [
    "Nusrat", "Farhana", "Sumaiya", "Tahmina", "Sharmin", "Rokeya", "Nasrin", "Shirin", "Rumana", "Mahmuda",
    "Jannatul", "Fatema", "Ayesha", "Sadia", "Tasnim", "Lamia", "Rehana", "Shabnam", "Nadia", "Mehzabin",
    "Sanjida", "Afroza", "Shamima", "Taslima", "Marium", "Israt",
]
MUSLIM_MALE_LAST = [
    "Islam", "Hossain", "Ahmed", "Rahman", "Uddin", "Khan", "Chowdhury", "Alam", "Haque", "Kabir", "Mia",
    "Sarker", "Talukder", "Bhuiyan", "Sheikh", "Molla", "Hasan", "Karim", "Siddique", "Mollik", "Patwary", "Ali",
]
MUSLIM_FEMALE_LAST = [
    "Akter", "Begum", "Khatun", "Sultana", "Islam", "Jahan", "Rahman", "Hossain", "Chowdhury", "Parvin", "Nahar",
]
HINDU_MALE = [
    "Sujon", "Pritam", "Dipankar", "Shuvo", "Biplob", "Anup", "Ratan", "Tapan", "Subrata", "Gautam", "Prosenjit",
    "Amit", "Arup", "Sanjay", "Rajib", "Partha", "Sudip", "Uttam", "Nitai", "Joydeb",
]
HINDU_FEMALE = [
    "Ananya", "Rupa", "Tanushree", "Puja", "Mousumi", "Shampa", "Rina", "Dipa", "Sharmila", "Mitali", "Papiya",
    "Swarna", "Bithi", "Lipika",
]
HINDU_LAST = [
    "Das", "Saha", "Roy", "Dey", "Paul", "Ghosh", "Chakraborty", "Bhattacharjee", "Banik", "Biswas", "Mondal",
    "Datta", "Sen", "Basak", "Sarkar", "Podder", "Majumder", "Kundu",
]
BUDDHIST_LAST = ["Barua", "Chakma"]

# (operator prefix, weight): Grameenphone 017/013, Robi 018, Airtel 016, Banglalink 019/014, Teletalk 015.
OPERATOR_PREFIXES = [("017", 30), ("013", 15), ("018", 18), ("016", 10), ("019", 16), ("014", 6), ("015", 5)]
EMAIL_DOMAINS = [("gmail.com", 80), ("yahoo.com", 12), ("outlook.com", 8)]
# Common OUIs of the ONUs and home routers an ISP in Dhaka installs: TP-Link, Tenda, Huawei, BDCOM, Xiaomi.
MAC_OUIS = ["50:C7:BF", "C8:3A:35", "00:E0:FC", "D0:60:8C", "64:09:80"]

# Lifecycle reasons -------------------------------------------------------------------------------

ACTIVATE_REASONS = [
    "Installation completed; speed test OK on the customer's phone.",
    "Fiber drop and ONU installed, PPPoE login tested.",
    "Connected and tested by the technician; customer signed the installation sheet.",
    "Router configured at the customer's flat; Wi-Fi name and password handed over.",
]
SUSPEND_REASONS = {
    Subscription.SuspensionType.NON_PAYMENT: [
        "Monthly bill unpaid after the grace period.",
        "Two months' dues outstanding; three SMS reminders sent.",
        "Payment promised by phone but not received by the due date.",
        "Bill unpaid; customer not reachable on phone.",
    ],
    Subscription.SuspensionType.CUSTOMER_REQUEST: [
        "Customer travelling to Saudi Arabia for a month; asked to pause the line.",
        "Flat under renovation; customer asked to pause until next month.",
        "Family away in the village home (Sylhet) until after Eid.",
        "Student back home in Rajshahi for the semester break; asked to pause.",
    ],
    Subscription.SuspensionType.TECHNICAL: [
        "Fiber cut after WASA road digging; waiting for splicing.",
        "ONU faulty (no PON light); replacement on order.",
        "Pole line damaged in the storm; drop cable to be replaced.",
    ],
    Subscription.SuspensionType.FRAUD: [
        "Connection shared with neighbouring flats through an extra switch; found on inspection.",
    ],
}
SUSPENSION_WEIGHTS = [
    (Subscription.SuspensionType.NON_PAYMENT, 70),
    (Subscription.SuspensionType.CUSTOMER_REQUEST, 15),
    (Subscription.SuspensionType.TECHNICAL, 10),
    (Subscription.SuspensionType.FRAUD, 5),
]
CANCEL_REASONS = [
    "Moved to Chattogram for a new job.",
    "Switched to another provider offering a cheaper 30 Mbps package.",
    "House sold; the new owner will apply separately.",
    "Family moved abroad; connection not needed any more.",
    "Unhappy with evening speeds despite two complaints.",
]
CANCEL_AFTER_DUES_REASON = "Dues unpaid for three months; line disconnected and ONU collected."
CANCEL_BEFORE_INSTALL_REASON = "Customer changed their mind before installation; advance refunded."

INSTALLATION_REMARKS = [
    "Customer asked for a morning visit, before 11 am.",
    "Flat on the 6th floor; the caretaker keeps the roof key.",
    "Call the customer 30 minutes before arriving.",
    "Customer bought their own router; configure it instead of ours.",
    "Pole on the lane is shared with another ISP; use the left-side clamp.",
    "Collect the connection fee in cash and give a receipt.",
]

# Leads -------------------------------------------------------------------------------------------

LEAD_SOURCE_WEIGHTS = [
    (Lead.Source.FACEBOOK, 30), (Lead.Source.PHONE, 20), (Lead.Source.REFERRAL, 15), (Lead.Source.WALK_IN, 12),
    (Lead.Source.WEBSITE, 10), (Lead.Source.FIELD, 8), (Lead.Source.OTHER, 5),
]
LEAD_NOTES = [
    "Wants the connection before Eid.",
    "Asked the price of 50 Mbps; comparing with Link3 and Carnival.",
    "New building, no fiber yet: needs a drop from the pole on the main road.",
    "Works from home; needs a static IP for office VPN.",
    "Currently on a local cable ISP, unhappy with frequent disconnections.",
    "Wants Toffee and Hoichoi included for the family.",
    "Asked for a call back after 6 pm.",
    "Referred by a neighbour in the same building.",
    "Shop owner; wants Wi-Fi for customers.",
    "",
]
LOST_REASONS = [
    "Lost: chose another provider with a free router offer.",
    "Lost: building has an exclusive contract with another ISP.",
    "Lost: outside our fiber coverage for now.",
    "Lost: no response after three calls.",
    "Lost: budget too low for our packages.",
]
# Each block of ten leads walks the whole pipeline in this proportion.
LEAD_STATUS_BLOCK = [
    Lead.Status.NEW, Lead.Status.NEW, Lead.Status.NEW, Lead.Status.CONTACTED, Lead.Status.CONTACTED,
    Lead.Status.SITE_SURVEY, Lead.Status.SITE_SURVEY, Lead.Status.CONVERTED, Lead.Status.CONVERTED, Lead.Status.LOST,
]
LEAD_PIPELINE = [Lead.Status.NEW, Lead.Status.CONTACTED, Lead.Status.SITE_SURVEY]

# Customer plans: each block of twenty customers has a fixed mix, so any run of a few dozen shows every
# status. Over five blocks: 8 % suspended, 5 % pending, 4 % cancelled, 5 % with a second subscription.
ACTIVE, PENDING, SUSPENDED, CANCELLED, TWO_SUBSCRIPTIONS = "active", "pending", "suspended", "cancelled", "two"
PLAN_SUSPENDED_PER_BLOCK = [2, 2, 1, 2, 1]
PLAN_CANCELLED_PER_BLOCK = [1, 1, 1, 1, 0]
PLAN_BLOCK = 20

# Logins ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Login:
    username: str
    password: str
    kind: str
    first_name: str
    last_name: str
    roles: tuple[str, ...] = ()
    superuser: bool = False
    branch_codes: tuple[str, ...] = ()  # empty = all branches
    note: str = ""


STAFF_LOGINS = [
    Login("admin", "demo-admin-2026", "staff", "Ashraful", "Karim", (roles.ADMIN,), superuser=True,
          note="Admin, superuser (also /admin/)"),
    Login("manager", "demo-manager-2026", "staff", "Farhana", "Rahman", (roles.MANAGER,), note="Manager"),
    Login("cashier", "demo-cashier-2026", "staff", "Jahid", "Hasan", (roles.CASHIER,), note="Cashier"),
    Login("support", "demo-support-2026", "staff", "Sadia", "Islam", (roles.SUPPORT,), note="Support"),
    Login("supervisor", "demo-supervisor-2026", "staff", "Dipankar", "Roy", (roles.TECHNICIAN_SUPERVISOR,),
          note="Technician supervisor"),
    Login("mirpur.cashier", "demo-mirpur-2026", "staff", "Rakib", "Hossain", (roles.CASHIER,), branch_codes=("MIR",),
          note="Cashier, Mirpur branch only"),
    Login("accountant", "demo-accountant-2026", "staff", "Nusrat", "Jahan", (roles.ACCOUNTANT,),
          note="Accountant (the books: profit and loss, trial balance, VAT; no network controls)"),
]
TECHNICIAN_LOGIN = Login("tech", "demo-tech-2026", "technician", "Shuvo", "Dey", (roles.TECHNICIAN,), note="Technician")
# (login, reseller name, phone, branch code, areas served, share of those areas' customers)
RESELLERS = [
    (Login("reseller", "demo-reseller-2026", "reseller", "Monir", "Molla", note="Reseller, Pallabi Net Point"),
     "Pallabi Net Point", "01711-402010", "MIR", ("Pallabi", "Rupnagar"), 0.6),
    (Login("reseller.uttara", "demo-reseller-2026", "reseller", "Selim", "Bhuiyan", note="Reseller, Diabari Online"),
     "Diabari Online", "01819-556677", "UTT", ("Diabari", "Abdullahpur"), 0.45),
]


@dataclass
class SubscriptionSpec:
    package: str
    connection_type: str
    router: str
    username: str = ""
    password: str = ""
    static_ip: str | None = None
    mac_address: str = ""
    # ("activate", reason) / ("suspend", reason, suspension_type, skip_billing) / ("cancel", reason)
    steps: list[tuple] = field(default_factory=list)


@dataclass
class CustomerSpec:
    index: int
    name: str
    phone: str
    branch: str
    area: str
    address: str
    latitude: Decimal
    longitude: Decimal
    customer_since: date
    email: str = ""
    national_id: str = ""
    reseller: str = ""  # reseller login username
    language: str = ""  # of their messages and documents ("" = English)
    subscriptions: list[SubscriptionSpec] = field(default_factory=list)
    plan: str = ACTIVE


@dataclass
class LeadSpec:
    index: int
    name: str
    phone: str
    source: str
    status: str
    area: tuple[str, str] | None  # (branch code, area name)
    address: str
    package: str | None
    notes: str
    assignee: str  # username or ""
    email: str = ""
    lost_reason: str = ""
    activate_after_convert: bool = False
    # Taken by the site survey; set on the customer after conversion.
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def direct_customers(total: int, lead_specs: list[LeadSpec]) -> int:
    """How many customers to seed directly: `total` counts every customer, the ones converted from
    leads too (never fewer than those)."""
    converted = sum(1 for spec in lead_specs if spec.status == Lead.Status.CONVERTED)
    return max(total - converted, 0)


def weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights)[0]


class DemoData:
    """Builds the customer and lead specs: pure functions of the seed, the index and today."""

    def __init__(self, today: date):
        self.today = today
        self.areas = {code: areas for code, _name, _address, _phone, areas in BRANCHES}
        self.active_packages = [(p[0], p[10]) for p in PACKAGES if p[9]]
        self.package_types = {p[0]: p[1] for p in PACKAGES}
        self.package_speeds = {p[0]: p[2] for p in PACKAGES}

    # Shared pieces --------------------------------------------------------------------------------

    @staticmethod
    def person(rng: random.Random) -> tuple[str, str, str]:
        """(full name, first name for logins, last name)."""
        female = rng.random() < 0.25
        faith = rng.random()
        if faith < 0.88:
            first = rng.choice(MUSLIM_FEMALE if female else MUSLIM_MALE)
            last = rng.choice(MUSLIM_FEMALE_LAST if female else MUSLIM_MALE_LAST)
            title = ""
            if not female:
                title = weighted(rng, [("", 60), ("Md. ", 30), ("Mohammad ", 10)])
            return f"{title}{first} {last}", first, last
        first = rng.choice(HINDU_FEMALE if female else HINDU_MALE)
        last = rng.choice(HINDU_LAST if faith < 0.98 else BUDDHIST_LAST)
        return f"{first} {last}", first, last

    @staticmethod
    def phone(rng: random.Random, used: set[str], *, lead: bool) -> str:
        """A valid BD mobile number. Lead numbers start their subscriber part with 0, customers' never do,
        so a lead converted into a customer never takes the phone a seeded customer is found by."""
        while True:
            prefix = weighted(rng, OPERATOR_PREFIXES)
            first_digit = "0" if lead else str(rng.randint(1, 9))
            number = f"{prefix}{first_digit}{rng.randint(0, 9_999_999):07d}"
            if number not in used:
                used.add(number)
                return number

    @staticmethod
    def email(rng: random.Random, first: str, last: str) -> str:
        domain = weighted(rng, EMAIL_DOMAINS)
        local = weighted(rng, [(f"{first}.{last}", 40), (f"{first}{rng.randint(10, 99)}", 40), (f"{last}.{first}", 20)])
        return f"{local.lower().replace(' ', '')}@{domain}"

    @staticmethod
    def address(rng: random.Random, area: str, style: str, postcode: int) -> str:
        house, road = rng.randint(1, 120), rng.randint(1, 20)
        flat = f"Flat {rng.randint(1, 9)}{rng.choice('ABCDE')}, " if rng.random() < 0.45 else ""
        if style == "sector":
            sector = area.rsplit(" ", 1)[-1]
            line = f"House {house}, Road {road}, Sector {sector}, Uttara"
        elif style == "block":
            line = f"House {house}, Road {road}, Block {rng.choice('ABCDEFGH')}, {area}"
        elif style == "road":
            suffix = rng.choice(["", "", "/A", "/B"])
            line = f"House {house}, Road {road}{suffix}, {area}"
        else:
            side = rng.choice(["East", "West", "North", "South", ""])
            line = f"{house}/{rng.randint(1, 12)} {side} {area}".replace("  ", " ")
        return f"{flat}{line}, Dhaka-{postcode}"

    @staticmethod
    def near(rng: random.Random, degrees: float) -> Decimal:
        return Decimal(str(round(degrees + rng.uniform(-0.004, 0.004), 6)))

    # Customers ------------------------------------------------------------------------------------

    def plan_block(self, rng: random.Random, block: int) -> list[str]:
        suspended = PLAN_SUSPENDED_PER_BLOCK[block % len(PLAN_SUSPENDED_PER_BLOCK)]
        cancelled = PLAN_CANCELLED_PER_BLOCK[block % len(PLAN_CANCELLED_PER_BLOCK)]
        plans = [PENDING, TWO_SUBSCRIPTIONS] + [SUSPENDED] * suspended + [CANCELLED] * cancelled
        plans += [ACTIVE] * (PLAN_BLOCK - len(plans))
        rng.shuffle(plans)
        if block == 0 and plans[0] != ACTIVE:
            # Customer 0 is the portal demo login: keep it a plain active account.
            swap = plans.index(ACTIVE)
            plans[0], plans[swap] = plans[swap], plans[0]
        return plans

    def customers(self, count: int) -> list[CustomerSpec]:
        rng = random.Random(f"{SEED}:customers")
        phones: set[str] = set()
        specs = []
        plans: list[str] = []
        for index in range(count):
            if index % PLAN_BLOCK == 0:
                plans = self.plan_block(rng, index // PLAN_BLOCK)
            specs.append(self.customer(rng, index, plans[index % PLAN_BLOCK], phones))
        return specs

    def customer(self, rng: random.Random, index: int, plan: str, phones: set[str]) -> CustomerSpec:
        branch = weighted(rng, BRANCH_WEIGHTS.items())
        area, lat, lon, style, postcode = rng.choice(self.areas[branch])
        name, first, last = self.person(rng)
        days_ago = {
            ACTIVE: rng.randint(20, 3 * 365),
            TWO_SUBSCRIPTIONS: rng.randint(120, 3 * 365),
            PENDING: rng.randint(0, 10),
            SUSPENDED: rng.randint(60, 3 * 365),
            CANCELLED: rng.randint(200, 3 * 365),
        }[plan]
        spec = CustomerSpec(
            index=index,
            name=name,
            phone=self.phone(rng, phones, lead=False),
            branch=branch,
            area=area,
            address=self.address(rng, area, style, postcode),
            latitude=self.near(rng, lat),
            longitude=self.near(rng, lon),
            customer_since=self.today - timedelta(days=days_ago),
            email=self.email(rng, first, last) if rng.random() < 0.35 else "",
            national_id=self.national_id(rng) if rng.random() < 0.4 else "",
            plan=plan,
            # A third want their SMS and invoices in Bangla (from the index: the generator's sequence,
            # and so an existing demo database, stays as it was).
            language="bn" if index % 3 == 1 else "",
        )
        if index == 0:
            spec.email = spec.email or self.email(rng, first, last)
        for login, _name, _phone, code, served_areas, share in RESELLERS:
            if code == branch and area in served_areas and rng.random() < share:
                spec.reseller = login.username
        first_sub = self.subscription(rng, index, branch, first, second=False)
        first_sub.steps = self.steps(rng, plan)
        spec.subscriptions.append(first_sub)
        if plan == TWO_SUBSCRIPTIONS:
            second = self.subscription(rng, index, branch, first, second=True)
            second.steps = [("activate", rng.choice(ACTIVATE_REASONS))]
            spec.subscriptions.append(second)
        return spec

    @staticmethod
    def national_id(rng: random.Random) -> str:
        # Smart cards carry 10 digits; older laminated cards 17 (birth year first).
        if rng.random() < 0.7:
            return str(rng.randint(1_000_000_000, 9_999_999_999))
        return f"{rng.randint(1960, 2002)}{rng.randint(0, 10**13 - 1):013d}"

    def subscription(self, rng: random.Random, index: int, branch: str, first: str, *, second: bool) -> SubscriptionSpec:
        package = weighted(rng, self.active_packages)
        if second:
            # A second line is usually the family's shop or office downstairs.
            package = weighted(rng, [("Home 30 Mbps", 3), ("Family 50 Mbps", 3), ("Business 500 Mbps", 2)])
        kind = self.package_types[package]
        if kind == Package.Type.WIRELESS:
            connection = weighted(rng, [(Subscription.ConnectionType.HOTSPOT, 60), (Subscription.ConnectionType.PPPOE, 40)])
        elif self.package_speeds[package] >= 200 or second:
            connection = weighted(rng, [(Subscription.ConnectionType.STATIC_IP, 50), (Subscription.ConnectionType.PPPOE, 50)])
        else:
            connection = weighted(rng, [(Subscription.ConnectionType.PPPOE, 95), (Subscription.ConnectionType.STATIC_IP, 5)])
        router = f"{branch}-CORE-{rng.randint(1, 2):02d}"
        spec = SubscriptionSpec(package=package, connection_type=connection, router=router)
        login = f"{branch.lower()}_{first.lower()}{index + 1001}{'b' if second else ''}"
        if connection == Subscription.ConnectionType.STATIC_IP:
            # One public /24 per 200 customers from the ISP's block; second lines use the next block.
            spec.static_ip = f"103.148.{(40 if not second else 140) + index // 200}.{index % 200 + 20}"
        elif connection == Subscription.ConnectionType.HOTSPOT:
            spec.username = f"hs_{login}"
        else:
            spec.username = login
        if connection != Subscription.ConnectionType.STATIC_IP:
            alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
            spec.password = "".join(rng.choice(alphabet) for _ in range(8))
        if rng.random() < 0.6:
            spec.mac_address = ":".join([rng.choice(MAC_OUIS)] + [f"{rng.randint(0, 255):02X}" for _ in range(3)])
        return spec

    def steps(self, rng: random.Random, plan: str) -> list[tuple]:
        activate = ("activate", rng.choice(ACTIVATE_REASONS))
        if plan in (ACTIVE, TWO_SUBSCRIPTIONS):
            return [activate]
        if plan == PENDING:
            return []
        if plan == SUSPENDED:
            kind = weighted(rng, SUSPENSION_WEIGHTS)
            skip_billing = kind == Subscription.SuspensionType.CUSTOMER_REQUEST
            return [activate, ("suspend", rng.choice(SUSPEND_REASONS[kind]), kind, skip_billing)]
        roll = rng.random()
        if roll < 0.75:
            return [activate, ("cancel", rng.choice(CANCEL_REASONS))]
        if roll < 0.9:
            return [
                activate,
                ("suspend", SUSPEND_REASONS[Subscription.SuspensionType.NON_PAYMENT][1], Subscription.SuspensionType.NON_PAYMENT, False),
                ("cancel", CANCEL_AFTER_DUES_REASON),
            ]
        return [("cancel", CANCEL_BEFORE_INSTALL_REASON)]

    # Leads ----------------------------------------------------------------------------------------

    def leads(self, count: int) -> list[LeadSpec]:
        rng = random.Random(f"{SEED}:leads")
        phones: set[str] = set()
        specs = []
        statuses: list[str] = []
        for index in range(count):
            if index % len(LEAD_STATUS_BLOCK) == 0:
                statuses = list(LEAD_STATUS_BLOCK)
                rng.shuffle(statuses)
            specs.append(self.lead(rng, index, statuses[index % len(statuses)], phones))
        return specs

    def lead(self, rng: random.Random, index: int, status: str, phones: set[str]) -> LeadSpec:
        name, first, last = self.person(rng)
        source = weighted(rng, LEAD_SOURCE_WEIGHTS)
        branch = weighted(rng, BRANCH_WEIGHTS.items())
        area, lat, lon, style, postcode = rng.choice(self.areas[branch])
        # Facebook and website enquiries often arrive without an address until someone calls back.
        unlocated = status in (Lead.Status.NEW, Lead.Status.CONTACTED) and source in (Lead.Source.FACEBOOK, Lead.Source.WEBSITE)
        has_area = not (unlocated and rng.random() < 0.5)
        address = self.address(rng, area, style, postcode) if has_area else ""
        spec = LeadSpec(
            index=index,
            name=name,
            phone=self.phone(rng, phones, lead=True),
            source=source,
            status=status,
            area=(branch, area) if has_area else None,
            address=address,
            package=weighted(rng, self.active_packages) if rng.random() < 0.8 else None,
            notes=rng.choice(LEAD_NOTES),
            assignee="" if status == Lead.Status.NEW and rng.random() < 0.6 else rng.choice(["support", "manager"]),
        )
        if status == Lead.Status.CONVERTED:
            spec.email = self.email(rng, first, last) if rng.random() < 0.4 else ""
            spec.activate_after_convert = rng.random() < 0.5
            spec.latitude, spec.longitude = self.near(rng, lat), self.near(rng, lon)
        if status == Lead.Status.LOST:
            spec.lost_reason = rng.choice(LOST_REASONS)
        return spec


class Command(BaseCommand):
    help = "Load deterministic demo data for a Dhaka ISP, with one login per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers", type=int, default=500,
            help="customers in total, the converted leads among them (default 500)",
        )
        parser.add_argument("--leads", type=int, default=100, help="leads to seed (default 100)")
        parser.add_argument(
            "--months", type=int, default=history.HISTORY_MONTHS,
            help=f"months of billing history to write for new customers (default {history.HISTORY_MONTHS})",
        )
        parser.add_argument("--quiet", action="store_true", help="print nothing")
        parser.add_argument("--no-logins", action="store_true", help="leave out the logins (`seed` prints them at its end)")

    def handle(self, *args, customers: int, leads: int, months: int, quiet: bool, no_logins: bool = False, **options):
        if months < 0:
            raise CommandError("--months cannot be negative.")
        self.quiet = quiet
        self.print_logins = not no_logins
        self.created: Counter[str] = Counter()
        started = time.monotonic()
        real_now = timezone.now()
        data = DemoData(timezone.localdate(real_now))
        lead_specs = data.leads(leads)
        # Settings → Billing read once for the whole seed (read again after ensure_isp_details saves them).
        with billing_settings_cached(), transaction.atomic():
            roles_ensure_defaults()
            self.admin = self.ensure_login(STAFF_LOGINS[0], branches={})
            branches = self.ensure_branches()
            self.logins = {login.username: self.ensure_login(login, branches=branches) for login in STAFF_LOGINS}
            self.logins["tech"] = self.ensure_login(TECHNICIAN_LOGIN, branches=branches)
            self.areas = {(area.branch.code, area.name): area for area in Area.objects.select_related("branch")}
            self.packages = self.ensure_packages()
            self.routers = self.ensure_routers(branches)
            self.resellers = self.ensure_resellers(branches)
            customer_specs = data.customers(direct_customers(customers, lead_specs))
            created = self.ensure_customers(customer_specs)
            if created:
                self.write_history(created, today=data.today, real_now=real_now, months=months)
            self.ensure_leads(lead_specs)
            self.ensure_collectors()
            portal_customer = self.ensure_portal_login(customer_specs)
            self.ensure_portal_logins(customer_specs, portal_customer)
            self.ensure_isp_details()
            self.ensure_bkash()
            self.ensure_nagad(portal_customer)
        self.report(seconds=time.monotonic() - started)

    # Helpers --------------------------------------------------------------------------------------

    def log(self, message: str = "") -> None:
        if not self.quiet:
            self.stdout.write(message)

    def ensure_login(self, login: Login, *, branches: dict):
        User = get_user_model()
        user = User.objects.filter(username=login.username).first()
        if user is not None:
            return user
        user = User(
            username=login.username,
            kind=login.kind,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{login.username}@{DEMO_EMAIL_DOMAIN}",
            is_superuser=login.superuser,
            is_staff=login.superuser,
            all_branches=not login.branch_codes,
        )
        user.set_password(login.password)
        user.save()
        if login.roles:
            user.groups.set(Group.objects.filter(name__in=login.roles))
        if login.branch_codes:
            user.branches.set([branches[code] for code in login.branch_codes])
        self.created["logins"] += 1
        return user

    def ensure_branches(self) -> dict[str, Branch]:
        branches = {branch.code: branch for branch in Branch.objects.all()}
        for code, name, address, phone, areas in BRANCHES:
            branch = branches.get(code)
            if branch is None:
                branch = services.branch_create(actor=self.admin, name=name, code=code, address=address, phone=phone)
                branches[code] = branch
                self.created["branches"] += 1
            existing = set(branch.areas.values_list("name", flat=True))
            for area_name, *_rest in areas:
                if area_name not in existing:
                    services.area_create(actor=self.admin, branch=branch, name=area_name)
                    self.created["areas"] += 1
        return branches

    def ensure_collectors(self) -> None:
        """Collectors for the areas and a few customers, once: when any assignment exists (this seed's,
        or one staff made since), the demo's collectors are left as they are."""
        if Area.objects.exclude(collector=None).exists() or Customer.objects.exclude(collector=None).exists():
            return
        for code, (username, area_names) in AREA_COLLECTORS.items():
            for name in area_names:
                area = self.areas.get((code, name))
                if area is not None:
                    services.area_update(actor=self.admin, area=area, collector=self.logins[username])
                    self.created["area collectors"] += 1
        username, code, area_name, count = CUSTOMER_COLLECTOR
        area = self.areas.get((code, area_name))
        if area is None:
            return
        for customer in Customer.objects.filter(area=area, reseller=None).order_by("pk")[:count]:
            services.customer_update(actor=self.admin, customer=customer, collector=self.logins[username])
            self.created["customer collectors"] += 1

    def ensure_packages(self) -> dict[str, Package]:
        packages = {package.name: package for package in Package.objects.all()}
        for name, kind, down, up, price, ott, channels, cap, profile, active, _weight in PACKAGES:
            if name in packages:
                continue
            packages[name] = usecases_package_create(
                actor=self.admin, name=name, type=kind, download_mbps=down, upload_mbps=up, price=Decimal(price),
                ott_bundle=ott, live_channels=channels, data_cap_gb=cap, router_profile=profile, is_active=active,
                **PACKAGE_SPEED_CLASSES.get(name, {}),
            )
            self.created["packages"] += 1
        if not SpeedDestination.objects.exists():
            for kind, prefixes in SPEED_DESTINATIONS:
                network_services.speed_destinations_add(actor=self.admin, kind=kind, prefixes=prefixes)
        return packages

    def ensure_routers(self, branches: dict[str, Branch]) -> dict[str, Router]:
        routers = {router.name: router for router in Router.objects.all()}
        number = 0
        for code, *_rest in BRANCHES:
            for n in (1, 2):
                name = f"{code}-CORE-{n:02d}"
                if name not in routers:
                    routers[name] = Router.objects.create(
                        name=name, host=f"127.0.0.{10 + number}", api_port=8728 + number, branch=branches[code]
                    )
                    self.created["routers"] += 1
                number += 1
        return routers

    def ensure_resellers(self, branches: dict[str, Branch]) -> dict[str, Reseller]:
        resellers = {}
        for login, name, phone, code, _areas, _share in RESELLERS:
            user = self.ensure_login(login, branches=branches)
            reseller = Reseller.objects.filter(user=user).first()
            if reseller is None:
                reseller = Reseller.objects.create(name=name, phone=normalize_phone(phone), branch=branches[code], user=user)
                self.created["resellers"] += 1
            resellers[login.username] = reseller
        return resellers

    # Customers ------------------------------------------------------------------------------------

    def ensure_customers(self, specs: list[CustomerSpec]) -> list[tuple[CustomerSpec, Customer]]:
        """Create the missing customers with their subscriptions, still pending: what happens to them
        next is their history (write_history). Returns the customers created now."""
        created = []
        existing = set(
            Customer.objects.filter(phone__in=[normalize_phone(s.phone) for s in specs]).values_list("phone", flat=True)
        )
        for spec in specs:
            if normalize_phone(spec.phone) in existing:
                continue
            customer = services.customer_create(
                actor=self.admin,
                name=spec.name,
                phone=spec.phone,
                area=self.areas[(spec.branch, spec.area)],
                address=spec.address,
                email=spec.email,
                national_id=spec.national_id,
                latitude=spec.latitude,
                longitude=spec.longitude,
                reseller=self.resellers[spec.reseller] if spec.reseller else None,
                customer_since=spec.customer_since,
                language=spec.language,
            )
            self.created["customers"] += 1
            for sub_spec in spec.subscriptions:
                self.create_subscription(customer, sub_spec, with_steps=False)
            created.append((spec, customer))
        return created

    def write_history(self, created: list[tuple[CustomerSpec, Customer]], *, today: date, real_now, months: int) -> None:
        """The last months of the new customers' lives, through the billing engine (_demo_history)."""
        start = history.history_start(today, months)
        regular = {spec.index for spec, _customer in created if spec.plan in (ACTIVE, TWO_SUBSCRIPTIONS)}
        plans = [
            history.plan_history(spec, customer.pk, regular=spec.index in regular, start=start, today=today)
            for spec, customer in created
        ]
        history.plan_reversals(plans, start=start, today=today)
        history.plan_outage_credits(plans, regular, start=start, today=today)
        with history.demo_world() as (clock, postman):
            writer = history.HistoryWriter(
                clock=clock, postman=postman, logins=self.logins, resellers=self.resellers, start=start, today=today, real_now=real_now,
            )
            counts = writer.write(plans)
        for what, count in counts.items():
            self.created[what] += count

    def create_subscription(self, customer: Customer, spec: SubscriptionSpec, *, with_steps: bool = True) -> Subscription:
        subscription = usecases_subscription_create(
            actor=self.admin,
            customer=customer,
            package=self.packages[spec.package],
            router=self.routers[spec.router],
            connection_type=spec.connection_type,
            username=spec.username,
            password=spec.password,
            static_ip=spec.static_ip,
            mac_address=spec.mac_address,
        )
        self.created["subscriptions"] += 1
        for step in spec.steps if with_steps else []:
            if step[0] == "activate":
                subscription = usecases_subscription_activate(actor=self.admin, subscription=subscription, reason=step[1])
            elif step[0] == "suspend":
                subscription = usecases_subscription_suspend(
                    actor=self.admin, subscription=subscription, reason=step[1], suspension_type=step[2], skip_billing=step[3]
                )
            else:
                subscription = usecases_subscription_cancel(actor=self.admin, subscription=subscription, reason=step[1])
        return subscription

    # Leads ----------------------------------------------------------------------------------------

    def ensure_leads(self, specs: list[LeadSpec]) -> list[Customer]:
        """Create the missing leads; returns the customers of converted leads still pending installation."""
        phones = {spec.index: normalize_phone(spec.phone) for spec in specs}
        existing = {
            lead.phone: lead for lead in Lead.objects.filter(phone__in=phones.values()).select_related("converted_customer")
        }
        pending_converts = []
        for spec in specs:
            lead = existing.get(phones[spec.index])
            if lead is None:
                lead = self.create_lead(spec)
            if lead.converted_customer and not spec.activate_after_convert:
                pending_converts.append(lead.converted_customer)
        return pending_converts

    def create_lead(self, spec: LeadSpec) -> Lead:
        area = self.areas[spec.area] if spec.area else None
        assignee = self.logins.get(spec.assignee)
        lead = services.lead_create(
            actor=self.admin, name=spec.name, phone=spec.phone, area=area, address=spec.address, source=spec.source,
            interested_package=self.packages[spec.package] if spec.package else None, notes=spec.notes,
            assigned_to=assignee,
        )
        self.created["leads"] += 1
        target = spec.status
        # Walk the pipeline one step at a time, as staff would, so the history reads naturally.
        for status in LEAD_PIPELINE[1:]:
            if LEAD_PIPELINE.index(status) > self.pipeline_depth(target):
                break
            lead = services.lead_update(actor=self.admin, lead=lead, status=status)
        if target == Lead.Status.LOST:
            notes = f"{spec.notes}\n{spec.lost_reason}".strip()
            lead = services.lead_update(actor=self.admin, lead=lead, status=Lead.Status.LOST, notes=notes)
        elif target == Lead.Status.CONVERTED:
            customer = services.lead_convert(
                actor=self.admin, lead=lead, area=area, address=spec.address, email=spec.email
            )
            self.created["customers"] += 1
            customer = services.customer_update(
                actor=self.admin, customer=customer, latitude=spec.latitude, longitude=spec.longitude
            )
            router = self.routers[f"{area.branch.code}-CORE-01"]
            login = f"{area.branch.code.lower()}_lead{spec.index + 1001}"
            sub_spec = SubscriptionSpec(
                package=spec.package or "Home 20 Mbps", connection_type=Subscription.ConnectionType.PPPOE,
                router=router.name, username=login, password=f"pw{spec.index + 4711}",
                steps=[("activate", ACTIVATE_REASONS[spec.index % len(ACTIVATE_REASONS)])] if spec.activate_after_convert else [],
            )
            self.create_subscription(customer, sub_spec)
            lead.refresh_from_db()
        return lead

    @staticmethod
    def pipeline_depth(status: str) -> int:
        # A converted lead was contacted and surveyed first; a lost one was at least contacted.
        if status == Lead.Status.CONVERTED:
            return LEAD_PIPELINE.index(Lead.Status.SITE_SURVEY)
        if status == Lead.Status.LOST:
            return LEAD_PIPELINE.index(Lead.Status.CONTACTED)
        return LEAD_PIPELINE.index(status)

    # Field work and portal ------------------------------------------------------------------------

    def ensure_portal_login(self, specs: list[CustomerSpec]) -> Customer | None:
        if not specs:
            return None
        customer = Customer.objects.get(phone=normalize_phone(specs[0].phone))
        if customer.user_id is None:
            services.customer_portal_access_set(actor=self.admin, customer=customer, password=CUSTOMER_PASSWORD)
            customer.refresh_from_db()
            self.created["portal logins"] += 1
        return customer

    def ensure_portal_logins(self, specs: list[CustomerSpec], first: Customer | None) -> list[tuple[str, Customer]]:
        """Three customers to try the portal as: one paid up, one with an amount due (to press Pay
        now), one suspended for non-payment. A customer who already has a login and still fits is
        kept, so later runs print the same logins while the history allows."""
        if first is None:
            return []
        phones = [normalize_phone(s.phone) for s in specs]
        # Customers who already have a login first (NULLs sort first in a descending order on PostgreSQL).
        customers = Customer.objects.filter(phone__in=phones).select_related("account").order_by(
            FieldRef("user_id").desc(nulls_last=True), "pk"
        )
        live = Subscription.objects.exclude(status__in=[Subscription.Status.PENDING, Subscription.Status.CANCELLED])
        suspended = set(live.filter(status=Subscription.Status.SUSPENDED).values_list("customer_id", flat=True))
        active = set(live.filter(status=Subscription.Status.ACTIVE).values_list("customer_id", flat=True))

        def balance(customer: Customer) -> Decimal:
            account = getattr(customer, "account", None)
            return account.balance if account else Decimal("0")

        kinds = (
            ("paid up", lambda c: c.pk in active and c.pk not in suspended and balance(c) <= 0),
            ("amount due", lambda c: c.pk in active and balance(c) > 0),
            ("suspended", lambda c: c.pk in suspended and balance(c) > 0),
        )
        chosen: list[tuple[str, Customer]] = []
        for label, fits in kinds:
            if label == "paid up" and not fits(first) and first.pk in active and first.pk not in suspended:
                # In a month's last week the run has issued next month's bills ahead of their due day:
                # the first demo customer pays theirs early, as good payers do.
                self.ensure_paid_up(first)
                first.refresh_from_db()
            if label == "paid up" and fits(first):
                chosen.append((label, first))
                continue
            customer = next((c for c in customers if fits(c) and c not in [c for _l, c in chosen]), None)
            if customer is None and label == "amount due":
                customer = self.ensure_amount_due(customers, taken=[c for _l, c in chosen] + [first], active=active)
            if customer is None:
                continue
            if customer.user_id is None:
                services.customer_portal_access_set(actor=self.admin, customer=customer, password=CUSTOMER_PASSWORD)
                customer.refresh_from_db()
                self.created["portal logins"] += 1
            chosen.append((label, customer))
        if first not in [c for _l, c in chosen]:
            chosen.insert(0, ("first demo customer", first))
        return chosen

    def ensure_isp_details(self) -> None:
        """The demo ISP's address, phone and VAT registration (BIN) for the invoice and receipt heads."""
        if not current_billing_settings().isp_address:
            billing_settings_update(
                actor=self.admin, isp_address="House 12, Road 5, Dhanmondi, Dhaka-1205", isp_phone="09610-123456",
                isp_email="billing@demo-net.example", vat_registration_number="000123456-0101",
            )
            self.created["ISP details"] += 1

    def ensure_bkash(self) -> None:
        """bKash on, pointed at the demo's emulator (demo/bkash/): the credentials and base URL are left
        empty, so they come from BKASH_SANDBOX's defaults at $SITE_URL/sandbox/bkash/."""
        if settings.BKASH_SANDBOX and not BkashSettings.objects.filter(pk=1).exists():
            BkashSettings.objects.create(pk=1, enabled=True, updated_by=self.admin)
            self.created["bKash settings"] += 1

    def ensure_nagad(self, portal_customer) -> None:
        """Nagad on for the demo branch (the portal login's), pointed at the demo's emulator (demo/nagad/):
        the merchant id, keys and base URL are left empty, so they come from NAGAD_SANDBOX's defaults."""
        if settings.NAGAD_SANDBOX and not NagadSettings.objects.filter(pk=1).exists():
            row = NagadSettings.objects.create(pk=1, enabled=True, updated_by=self.admin)
            if portal_customer is not None and portal_customer.branch_id:
                row.branches.set([portal_customer.branch_id])
            self.created["Nagad settings"] += 1

    def ensure_paid_up(self, customer: Customer) -> None:
        """Pay what the customer owes today at the cashier's desk (a bill issued ahead of its due day)."""
        from ._demo_history import pay_balance_today

        if pay_balance_today(customer=customer, cashier=get_user_model().objects.get(username="cashier")):
            self.created["paid early"] += 1

    def ensure_amount_due(self, customers, *, taken: list[Customer], active: set[int]) -> Customer | None:
        """The history's late payers are all suspended by now: give a paid-up customer a one-time
        charge (a replaced ONU) due next week, so the portal has someone to press Pay now."""
        customer = next(
            (c for c in customers if c.pk in active and c not in taken and getattr(c, "account", None) and c.account.balance == 0),
            None,
        )
        if customer is None:
            return None
        today = timezone.localdate()
        invoice_create(
            actor=self.admin, customer=customer, issue_date=today, due_date=today + timedelta(days=7),
            lines=[LineSpec(kind="one_time", description="ONU replacement", amount=Decimal("1200.00"))],
        )
        customer.refresh_from_db()
        self.created["amount due"] += 1
        return customer

    # Report ---------------------------------------------------------------------------------------

    def report(self, *, seconds: float) -> None:
        created = ", ".join(f"{count} {what}" for what, count in self.created.items()) or "nothing (all present)"
        self.log(self.style.SUCCESS(f"Demo data ready in {seconds:.0f} s. Created: {created}."))
        self.log(
            f"Totals: {Customer.objects.count()} customers, {Subscription.objects.count()} subscriptions, "
            f"{Lead.objects.count()} leads, {Package.objects.count()} packages, {Router.objects.count()} routers; "
            f"{Invoice.objects.count()} invoices, {Payment.objects.count()} payments."
        )
        if self.print_logins:
            from demo.logins import write_logins  # it reads this module's logins: imported here, not above

            self.log("")
            write_logins(self.log)
