"""Contract template text: `{{ variable }}` placeholders from a fixed list, checked on save (an
unknown variable, or anything else between braces, is an error) and filled in when sent."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

VARIABLES: dict[str, str] = {
    "customer_name": "Customer's name",
    "account_number": "Customer's account number",
    "customer_address": "Customer's address",
    "customer_phone": "Customer's registered phone",
    "package_name": "Package",
    "package_speed": "Package speed",
    "price_per_cycle": "Price per billing cycle, VAT included",
    "billing_cycle": "Billing cycle",
    "term_months": "Minimum term in months",
    "start_date": "Start date",
    "end_date": "End date",
    "auto_renewal": "Whether the contract renews itself",
    "notice_days": "Notice needed to stop renewal (days)",
    "termination_fee": "Early-termination fee, as worded",
    "equipment": "Equipment provided",
    "isp_name": "The ISP's name",
    "contract_number": "Contract number",
}

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
BRACES = re.compile(r"\{\{|\}\}|\{%|%\}")


def template_check(body: str) -> None:
    """Raise a ValidationError naming every unknown variable or malformed placeholder in `body`."""
    if not (body or "").strip():
        raise ValidationError({"body": _("The contract text is empty.")})
    unknown = sorted({name for name in PLACEHOLDER.findall(body) if name not in VARIABLES})
    if unknown:
        raise ValidationError({"body": _("Unknown variable: %(names)s. Use only the variables listed.") % {
            "names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)}})
    if BRACES.search(PLACEHOLDER.sub("", body)):
        raise ValidationError({"body": _("A placeholder is malformed: write variables as {{ name }}, nothing else between braces.")})


def template_fill(body: str, values: dict[str, str]) -> str:
    """The text with each placeholder replaced by its value (plain text; escaped when rendered)."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), body)
