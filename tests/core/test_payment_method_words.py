"""Payment-method words in Bangla: "Cash" must never read as the Nagad wallet.

নগদ means "cash" in Bangla, and it is also how Bangla speakers write the Nagad wallet. A receipt
that says নগদ for a cash payment, beside "Nagad" on a wallet payment, reads as two wallet payments.
Cash is ক্যাশ; Nagad (like bKash and Rocket) keeps its brand name.
"""

from pathlib import Path

import polib
import pytest
from django.utils import translation

from billing.wallet_models import WalletEntry
from payments.models import Payment
from vouchers.hotspot import TEXTS

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "bn" / "LC_MESSAGES" / "django.po"
NAGAD_IN_BANGLA = "নগদ"


@pytest.mark.parametrize("methods", [Payment.Method, WalletEntry.Method], ids=["payment", "reseller-wallet"])
def test_every_payment_method_has_its_own_bangla_word_and_cash_is_not_nagad(methods):
    with translation.override("bn"):
        words = {value: str(label) for value, label in methods.choices}
    assert len(set(words.values())) == len(words), words
    assert words["cash"] == "ক্যাশ"
    assert words["nagad"] == "Nagad"
    assert words["bkash"] == "bKash"
    assert not any(NAGAD_IN_BANGLA in word for word in words.values())


def test_no_bangla_string_uses_the_wallets_name_for_cash():
    # Nagad is always written "Nagad" in Bangla text, so নগদ anywhere is cash that reads as the wallet.
    uses = [entry.msgid for entry in polib.pofile(str(CATALOGUE)) if NAGAD_IN_BANGLA in entry.msgstr]
    assert uses == []
    assert not any(NAGAD_IN_BANGLA in bangla for _, bangla in TEXTS.values())
