"""docs/payments.md's signature example is what payments.paybill signs and accepts."""

import re
from pathlib import Path

from payments import paybill

DOC = (Path(__file__).resolve().parents[2] / "docs" / "payments.md").read_text()


def test_the_documented_signature_example_is_what_we_compute_and_accept(settings):
    body = re.search(r"body \(exactly these bytes\):\n\n```\n(.*?)\n```", DOC, re.S).group(1).encode()
    documented = re.search(r"signs as\n\n```\n(v1=[0-9a-f]{64})\n```", DOC).group(1)
    assert paybill.sign(secret="example-shared-secret", timestamp="1795586102", path="/pay/bkash/paybill/payment/", body=body) == documented
    settings.BKASH_PAYBILL_SECRET, settings.BKASH_PAYBILL_ALLOWED_IPS = "example-shared-secret", ["127.0.0.1/32"]
    paybill.authenticate(remote_addr="127.0.0.1", timestamp="1795586102", signature=documented,
                         path="/pay/bkash/paybill/payment/", body=body, now=1795586102 + 10)
