"""The demo's "legacy" router: an ISP's MikroTik before it moved to ispbill, with PPPoE secrets and
hotspot users that no customer in the database owns yet (the router import brings them in).

Standalone and deterministic: `legacy_load(state)` adds the same profiles and secrets every time.
"""

from __future__ import annotations

import random

LEGACY_ROUTER_NAME = "LEGACY-POP-01"
LEGACY_SECRETS = 300

PROFILES = [("5Mbps", "5M/5M"), ("10Mbps", "10M/10M"), ("FTTH-20M", "20M/20M"), ("30Mbps", "30M/30M"), ("50Mbps", "50M/50M")]
FIRST = ["Rahim", "Karim", "Salma", "Nasrin", "Jamal", "Farhana", "Habib", "Shirin", "Tanvir", "Rumana", "Sabbir", "Mitu",
         "Arif", "Sumaiya", "Imran", "Lipi", "Masud", "Nadia", "Rafiq", "Tania"]
LAST = ["Uddin", "Hossain", "Ahmed", "Begum", "Islam", "Khan", "Chowdhury", "Akter", "Rahman", "Sarker"]
BANGLA = ["রহিম উদ্দিন", "করিম হোসেন", "সালমা বেগম", "নাসরিন আক্তার", "জামাল খান", "ফারহানা ইসলাম"]
PREFIXES = ["017", "018", "019", "016", "013", "015"]


def legacy_rows(count: int = LEGACY_SECRETS, seed: int = 23) -> list[dict[str, str]]:
    """PPPoE secrets in the shape small ISPs keep them: the name and phone in the comment (mostly),
    a few disabled, a handful of hotspot users at the end."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        bangla = rng.random() < 0.2
        name = rng.choice(BANGLA) if bangla else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        # Subscriber part starting with 00: never the phone of a seeded customer.
        phone = f"{rng.choice(PREFIXES)}00{rng.randint(0, 999_999):06d}"
        shape = rng.random()
        comment = f"{name} {phone}" if shape < 0.8 else (f"{name}, {phone[:5]}-{phone[5:]}" if shape < 0.93 else name)
        hotspot = index >= count - 12
        rows.append({
            "table": "hotspot" if hotspot else "ppp",
            "name": f"hs-{index + 1:03d}" if hotspot else f"lp{index + 1:04d}",
            "password": f"lp-{rng.randint(10_000, 99_999)}",
            "profile": rng.choice(PROFILES)[0],
            "comment": comment,
            "disabled": "yes" if rng.random() < 0.06 else "no",
        })
    return rows


def legacy_load(state, count: int = LEGACY_SECRETS) -> int:
    """Put the legacy profiles, secrets and hotspot users on a simulated router (once)."""
    existing = {row.get("name") for table in ("/ppp/secret", "/ip/hotspot/user") for row in state.run(f"{table}/print")}
    profiles = {row.get("name") for row in state.run("/ppp/profile/print")}
    for name, rate in PROFILES:
        if name not in profiles:
            state.run("/ppp/profile/add", name=name, **{"rate-limit": rate})
    added = 0
    for row in legacy_rows(count):
        if row["name"] in existing:
            continue
        if row["table"] == "hotspot":
            state.run("/ip/hotspot/user/add", name=row["name"], password=row["password"], comment=row["comment"], disabled=row["disabled"])
        else:
            state.run("/ppp/secret/add", name=row["name"], password=row["password"], profile=row["profile"], service="pppoe",
                      comment=row["comment"], disabled=row["disabled"])
        added += 1
    return added
