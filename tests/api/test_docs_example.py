"""docs/api.md's worked signature example is what our signer produces and what its `verify` accepts."""

import re
from pathlib import Path

from ispbill.core.webhooks import signature, signature_valid

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()


def test_worked_example_matches_the_signer():
    body = b'{"id":"e1","type":"ticket.created"}'
    header = signature(secret="whsec_test", timestamp=1764064800, body=body)
    assert f"X-Ispbill-Signature: {header}" in DOC
    assert signature_valid(secret="whsec_test", header=header, body=body, now=1764064800 + 299)
    assert not signature_valid(secret="whsec_test", header=header, body=body, now=1764064800 + 301)  # too old


def test_the_documented_verify_function_accepts_a_real_signature():
    code = re.search(r"```python\n(.*?)```", DOC, re.S).group(1)
    namespace: dict = {}
    exec(code.split("body = ")[0], namespace)  # the `verify` function as printed
    import time

    body = b'{"id":"e2","type":"payment.received"}'
    now = int(time.time())
    header = signature(secret="whsec_x", timestamp=now, body=body)
    assert namespace["verify"]("whsec_x", header, body)
    assert not namespace["verify"]("whsec_y", header, body)
    assert not namespace["verify"]("whsec_x", header, body + b"\n")
