"""Contract template text: `{{ variable }}` placeholders from a fixed list, checked on save (an
unknown variable, or anything else between braces, is an error) and filled in when sent."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VARIABLES = {
    "customer_name": gettext_lazy("Customer's name"),
    "account_number": gettext_lazy("Customer's account number"),
    "customer_address": gettext_lazy("Customer's address"),
    "customer_phone": gettext_lazy("Customer's registered phone"),
    "package_name": gettext_lazy("Package"),
    "package_speed": gettext_lazy("Package speed"),
    "price_per_cycle": gettext_lazy("Price per billing cycle, VAT included"),
    "billing_cycle": gettext_lazy("Billing cycle"),
    "term_months": gettext_lazy("Minimum term in months"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("End date"),
    "auto_renewal": gettext_lazy("Whether the contract renews itself"),
    "notice_days": gettext_lazy("Notice needed to stop renewal (days)"),
    "termination_fee": gettext_lazy("Early-termination fee, as worded"),
    "equipment": gettext_lazy("Equipment provided"),
    "isp_name": gettext_lazy("The ISP's name"),
    "contract_number": gettext_lazy("Contract number"),
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
