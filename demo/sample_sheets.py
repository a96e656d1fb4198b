"""Writes imports/samples/sample_customers.xlsx: 1,000 rows of an ISP's customer sheet in real-world
shape, for the demo and the browser test. Deterministic: run it again and the rows are the same.

    .venv/bin/python -m demo.sample_sheets

It also writes imports/samples/sample_past_payments.csv: the past payments of the first 300 of those
customers (by their old id), to import after them as payment history, with a few rows to refuse
(an unknown customer, a date in the future, an amount of zero, a reference twice).

What makes it real: phones written five ways (01712-345678, +880 1712 345678, 8801712345678,
1712345678 as Excel leaves it, 017 1234 5678) and a few wrong; a fifth of the names in Bangla;
areas spelt in other case, some unknown to ispbill; packages by name or by router profile; dues,
advances and joining dates in two formats; and 20 rows pasted twice.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from imports.reading import xlsx_write
from imports.samples import CUSTOMERS_SAMPLE, PAST_PAYMENTS_SAMPLE
from ispbill.core import csvfiles

OUTPUT = CUSTOMERS_SAMPLE
PAST_PAYMENTS_OUTPUT = PAST_PAYMENTS_SAMPLE
PAST_PAYMENT_HEADERS = ["Client ID", "Payment Date", "Amount", "Paid By", "Receipt No", "Remarks"]
PAST_PAYMENT_MAPPING = {
    "customer": "Client ID", "paid_on": "Payment Date", "amount": "Amount", "method": "Paid By", "reference": "Receipt No",
    "note": "Remarks",
}
HEADERS = ["Client ID", "Customer Name", "Mobile", "Address", "Zone", "Package", "PPPoE User", "Password", "Due",
           "Advance", "Status", "Join Date", "Remarks"]
MAPPING = {
    "external_ref": "Client ID", "name": "Customer Name", "phone": "Mobile", "address": "Address", "area": "Zone",
    "package": "Package", "username": "PPPoE User", "password": "Password", "balance": "Due",
    "advance": "Advance", "status": "Status", "customer_since": "Join Date", "notes": "Remarks",
}
AREAS = ["Mirpur 1", "Mirpur 2", "Mirpur 10", "Mirpur 11", "Pallabi", "Kazipara", "Shewrapara", "Rupnagar", "Dhanmondi 27",
         "Dhanmondi 15", "Jigatola", "Kalabagan", "Lalmatia", "Mohammadpur", "Uttara Sector 4", "Uttara Sector 7",
         "Uttara Sector 10", "Diabari", "Abdullahpur"]
UNKNOWN_AREAS = ["Gulshan 2", "Badda", "Banasree", "Mirpur-14"]
PACKAGES = ["Home Basic 5 Mbps", "Home 10 Mbps", "Home 20 Mbps", "FTTH-20M", "Home 30 Mbps", "FTTH-30M", "Family 50 Mbps",
            "Air 8 Mbps", "Gamer 100 Mbps"]
FIRST = ["Rahim", "Karim", "Salma", "Nasrin", "Jamal", "Farhana", "Habib", "Shirin", "Tanvir", "Rumana", "Sabbir", "Mitu",
         "Arif", "Sumaiya", "Imran", "Lipi", "Masud", "Nadia", "Rafiq", "Tania", "Shakil", "Mahmuda", "Zahid", "Rokeya"]
LAST = ["Uddin", "Hossain", "Ahmed", "Begum", "Islam", "Khan", "Chowdhury", "Akter", "Rahman", "Sarker", "Miah", "Talukder"]
BANGLA_FIRST = ["রহিম", "করিম", "সালমা", "নাসরিন", "জামাল", "ফারহানা", "হাবিব", "শিরিন", "তানভীর", "রুমানা"]
BANGLA_LAST = ["উদ্দিন", "হোসেন", "আহমেদ", "বেগম", "ইসলাম", "খান", "চৌধুরী", "আক্তার"]
PREFIXES = ["017", "018", "019", "016", "013", "015", "014"]
UNIQUE_ROWS = 980
DUPLICATES = 20


def _phone(rng: random.Random, index: int) -> str:
    # Subscriber part starting with 0: never a seeded demo customer's number.
    national = f"{rng.choice(PREFIXES)}0{index:07d}"
    shape = rng.random()
    if index % 97 == 13:
        return national[:7]  # cut short: a wrong number to report
    if shape < 0.35:
        return f"{national[:5]}-{national[5:]}"
    if shape < 0.55:
        return f"+880 {national[1:5]} {national[5:]}"
    if shape < 0.7:
        return f"880{national[1:]}"
    if shape < 0.85:
        return national[1:]  # Excel ate the leading zero
    return f"{national[:3]} {national[3:7]} {national[7:]}"


def rows(seed: int = 2323) -> list[list]:
    rng = random.Random(seed)
    out = []
    for index in range(1, UNIQUE_ROWS + 1):
        bangla = rng.random() < 0.2
        name = f"{rng.choice(BANGLA_FIRST)} {rng.choice(BANGLA_LAST)}" if bangla else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        area = rng.choice(UNKNOWN_AREAS) if rng.random() < 0.03 else rng.choice(AREAS)
        if rng.random() < 0.15:
            area = area.upper() if rng.random() < 0.5 else area.lower()
        package = rng.choice(PACKAGES)
        due = rng.choice([0, 0, 0, 0, 500, 700, 1000, 1200, 2000]) if rng.random() < 0.8 else 0
        advance = rng.choice([0, 300, 500, 1000]) if due == 0 and rng.random() < 0.3 else 0
        year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
        joined = f"{year}-{month:02d}-{day:02d}" if rng.random() < 0.6 else f"{day:02d}/{month:02d}/{year}"
        first = name.split()[0].lower() if not bangla else "user"
        out.append([
            f"OLD-{10000 + index}", name, _phone(rng, index), f"House {rng.randint(1, 120)}, Road {rng.randint(1, 30)}", area, package,
            f"{first}.{index:04d}", f"p{rng.randint(100000, 999999)}", due or "", advance or "",
            rng.choice(["Active"] * 6 + ["active", "Inactive"]), joined, "",
        ])
    for copy in rng.sample(range(len(out)), DUPLICATES):
        out.insert(rng.randint(copy, len(out)), list(out[copy]))  # pasted twice
    return out


def past_payment_rows(seed: int = 2324) -> list[list[str]]:
    """Three payments each for OLD-10001 … OLD-10300, in 2025 (before any cut-over the demo uses)."""
    rng = random.Random(seed)
    out = []
    for index in range(1, 301):
        for month in rng.sample(range(1, 13), 3):
            day = rng.randint(1, 28)
            paid_on = f"2025-{month:02d}-{day:02d}" if rng.random() < 0.7 else f"{day:02d}/{month:02d}/2025"
            out.append([f"OLD-{10000 + index}", paid_on, str(rng.choice([500, 700, 800, 1000, 1200, 1500])),
                        rng.choice(["Cash", "bKash", "Nagad", "Bank"]), f"MR-25-{index:04d}-{month:02d}", ""])
    out.sort(key=lambda r: (r[4]))
    out += [
        ["OLD-99999", "2025-03-05", "700", "Cash", "MR-25-9999-03", "customer never imported"],
        ["OLD-10001", "2099-01-05", "700", "Cash", "MR-99-0001-01", "typed the year wrong"],
        ["OLD-10002", "2025-04-05", "0", "Cash", "MR-25-0002-00", "nothing paid"],
        [*out[0][:4], out[0][4], "pasted twice"],
    ]
    return out


def past_payments_csv() -> str:
    text = io.StringIO()
    writer = csvfiles.writer(text, lineterminator="\n")
    writer.writerow(PAST_PAYMENT_HEADERS)
    writer.writerows(past_payment_rows())
    return text.getvalue()


def main() -> Path:
    OUTPUT.write_bytes(xlsx_write(HEADERS, rows()))
    PAST_PAYMENTS_OUTPUT.write_text(past_payments_csv(), encoding="utf-8")
    return OUTPUT


if __name__ == "__main__":
    print(main())
