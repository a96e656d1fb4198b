"""CSV files we hand to people, who open them in a spreadsheet program. A cell that begins with `=`,
`+`, `-`, `@`, a tab or a carriage return is read there as a formula, and a formula can run a command
or send the sheet's data away (CSV injection): a customer's name, an address or a ticket's subject
typed as `=HYPERLINK(…)` would. Every CSV we write goes through `writer`, which puts an apostrophe
before such a cell, so the program shows it as the text it is. A plain number (`-250.00`,
`+8801711000000`) is left as it is: it cannot be a formula, and it stays a number in the sheet
(and a file corrected and uploaded again reads the same).

`tests/core/test_csv_files.py` fails on a CSV written any other way."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def cell(value):
    """`value` as a CSV cell no spreadsheet program runs: None is empty, numbers stay numbers."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, (int, float, Decimal)):
            return value
        value = str(value)
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, inner):
        self._inner = inner

    def writerow(self, row):
        return self._inner.writerow([cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self._inner.writerow([cell(value) for value in row])


def writer(file, **options) -> _SafeWriter:
    """`csv.writer(file, **options)` whose every cell, the header's too, passes through `cell`."""
    return _SafeWriter(csv.writer(file, **options))
