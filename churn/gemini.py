"""The Gemini adapter (google-genai): a customer's churn reasons and account facts in, a short retention
call script and an SMS draft in the customer's language out.

It never decides the score: the model in churn/ does, and the facts it is given are what staff see on
the retention page. Structured output (`response_schema`, a pydantic model), a timeout in milliseconds
(`HttpOptions.timeout`) and retries with exponential backoff (`HttpRetryOptions`: timeouts, 408, 429,
5xx). Without a key (Settings → Gemini, else GEMINI_API_KEY) `is_configured()` is false and the
retention page hides the button. Every failure comes back as GeminiUnavailable with a message staff can
read; the caller keeps what was there.

Tests reach the real SDK through an `httpx2.MockTransport` (google-genai 3.4's HTTP library, httpx's
successor; it picks its backend from the transport's class) given in settings.GEMINI_HTTP_TRANSPORT.

The SDK (`google.genai`, about 1.3 s of CPU to import) is imported when a draft is asked for, not when
the retention page's module is loaded.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import httpx2
from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import BaseModel, Field

from .retention_selectors import gemini_settings

if TYPE_CHECKING:
    from google import genai

try:  # google-genai uses httpx instead of httpx2 when a client or transport of httpx's is given
    import httpx
except ImportError:  # not installed here: google-genai 3.4 brings httpx2
    httpx = None

logger = logging.getLogger(__name__)

RETRY_INITIAL_DELAY = 1.0  # seconds, doubling up to RETRY_MAX_DELAY
RETRY_MAX_DELAY = 8.0
LANGUAGE_NAMES = {"en": "English", "bn": "Bangla (Bengali script)"}
_TRANSPORT_ERRORS = tuple(cls for cls in (httpx2.HTTPError, getattr(httpx, "HTTPError", None)) if cls is not None)
_TIMEOUTS = tuple(cls for cls in (httpx2.TimeoutException, getattr(httpx, "TimeoutException", None)) if cls is not None)


class RetentionDrafts(BaseModel):
    """What Gemini must answer (its response_schema)."""

    call_script: str = Field(description="A short phone script for the retention call, at most 8 sentences.")
    sms: str = Field(description="One SMS to the customer, at most 300 characters, polite, no links.")


class GeminiUnavailable(Exception):
    """Gemini did not give usable drafts; the message is for staff."""


def api_key() -> str:
    return (gemini_settings().api_key or "").strip() or (settings.GEMINI_API_KEY or "").strip()


def model_name() -> str:
    return gemini_settings().model_name or "gemini-2.5-flash"


def is_configured() -> bool:
    return bool(api_key())


def _client(key: str) -> genai.Client:
    from google import genai
    from google.genai import types

    options = types.HttpOptions(
        timeout=int(settings.GEMINI_TIMEOUT_MS),
        retry_options=types.HttpRetryOptions(
            attempts=max(1, int(settings.GEMINI_ATTEMPTS)), initial_delay=RETRY_INITIAL_DELAY, max_delay=RETRY_MAX_DELAY,
            http_status_codes=[408, 429, 500, 502, 503, 504],
        ),
    )
    transport = getattr(settings, "GEMINI_HTTP_TRANSPORT", None)
    if transport is not None:
        options.client_args = {"transport": transport}
    return genai.Client(api_key=key, http_options=options)


def prompt_for(*, facts: dict, language: str) -> str:
    language_name = LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["en"])
    return (
        "You help the staff of an internet service provider in Bangladesh keep a customer who may leave.\n"
        f"Write both texts in {language_name}. Be warm, brief and concrete; do not invent offers, prices or "
        "facts that are not given below; do not mention a churn score or a model.\n"
        "1. call_script: what the caller says and asks, addressing the reasons below.\n"
        "2. sms: one SMS inviting the customer to talk to us.\n\n"
        f"Customer and account facts (JSON):\n{json.dumps(facts, ensure_ascii=False, default=str, indent=1)}"
    )


def retention_drafts(*, facts: dict, language: str) -> RetentionDrafts:
    """Ask Gemini for the drafts. Raises GeminiUnavailable (no key, timeout, quota, bad answer)."""
    key = api_key()
    if not key:
        raise GeminiUnavailable(_("Gemini is not set up: add an API key in Settings → Gemini."))
    from google.genai import errors, types

    client = _client(key)
    try:
        response = client.models.generate_content(
            model=model_name(),
            contents=prompt_for(facts=facts, language=language),
            config=types.GenerateContentConfig(
                response_mime_type="application/json", response_schema=RetentionDrafts, temperature=0.4,
            ),
        )
    except errors.APIError as error:
        logger.warning("gemini: %s %s", error.code, error.status)
        if error.code == 429:
            raise GeminiUnavailable(_("Gemini's quota is used up for now; try again later or write the drafts yourself.")) from error
        raise GeminiUnavailable(_("Gemini refused the request (%(code)s); write the drafts yourself.") % {"code": error.code}) from error
    except _TRANSPORT_ERRORS as error:
        logger.warning("gemini: %s", type(error).__name__)
        if isinstance(error, _TIMEOUTS):
            raise GeminiUnavailable(_("Gemini did not answer in time; try again or write the drafts yourself.")) from error
        raise GeminiUnavailable(_("Gemini could not be reached; try again or write the drafts yourself.")) from error
    finally:
        client.close()
    drafts = response.parsed
    if not isinstance(drafts, RetentionDrafts) or not drafts.call_script.strip() or not drafts.sms.strip():
        logger.warning("gemini: an answer that is not the drafts' JSON")
        raise GeminiUnavailable(_("Gemini's answer could not be read; try again or write the drafts yourself."))
    return drafts
