"""What a test's phone receives. A message that carries a secret (a code) holds it masked in its
row; the real text waits, encrypted, in `Message.sealed` until the message is sent (docs/vouchers.md,
"Messages with a secret"). The tests read it there, as the provider would be handed it."""

import json
import re

from ispbill.notify.models import Message


def text_as_sent(message: Message) -> str:
    """The message's text as the provider gets it: the real one while a secret message is unsent."""
    return json.loads(message.sealed)["body"] if message.sealed else message.body


def code_in(message: Message) -> str:
    """The six-digit code in a code message still to be sent."""
    found = re.search(r"\b(\d{6})\b", text_as_sent(message))
    assert found is not None, f"no code in message {message.pk}: {message.body!r}"
    return found.group(1)
