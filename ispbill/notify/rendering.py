"""Message templates rendered with Django's template language, sandboxed.

Staff write the templates, so the engine is cut down to what a message needs: variables from a
fixed context of plain values (no attribute or method access: names only), a few text filters and
`{% if %}`. No loops, includes, loads or URL tags, so rendering can neither read other data nor
blow up in size. Output is plain text (autoescape off): SMS, WhatsApp and text/plain e-mail.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError, defaultfilters
from django.template.base import FilterExpression, Lexer, TokenType, VariableNode
from django.template.defaulttags import IfNode
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ispbill.core.money import format_money, to_money

ALLOWED_TAGS = frozenset({"if", "elif", "else", "endif"})
ALLOWED_FILTERS = {
    defaultfilters.default: "default",
    defaultfilters.upper: "upper",
    defaultfilters.lower: "lower",
    defaultfilters.title: "title",
    defaultfilters.capfirst: "capfirst",
    defaultfilters.truncatechars: "truncatechars",
    defaultfilters.truncatewords: "truncatewords",
    defaultfilters.yesno: "yesno",
}

# No loaders, no libraries beyond the built-ins (and those are whitelisted above), unknown → "".
_ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=False, string_if_invalid="", debug=False)


class Amount(str):
    """Money in a message: reads as the formatted amount, tests as the amount, so
    `{% if amount_due %}` is false when nothing is due."""

    def __new__(cls, value, currency_symbol: str | None = None):
        amount = to_money(value)
        if currency_symbol is None:
            written = format_money(amount)
        else:
            digits = format_money(abs(amount), symbol=False)
            written = f"{'-' if amount < 0 else ''}{currency_symbol}{digits}"
        text = super().__new__(cls, written)
        text.amount = amount
        return text

    def __bool__(self) -> bool:
        return self.amount != 0


def _expressions_in_condition(condition):
    """The FilterExpressions inside an {% if %} condition tree (smartif operators nest first/second)."""
    if condition is None:
        return
    if isinstance(getattr(condition, "value", None), FilterExpression):
        yield condition.value
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            yield from _expressions_in_condition(part)


def _check_expression(expression: FilterExpression, allowed: frozenset[str] | None, problems: list[str]) -> None:
    variables = [expression.var]
    for func, args in expression.filters:
        name = ALLOWED_FILTERS.get(func)
        if name is None:
            problems.append(_("The filter “%(filter)s” is not allowed here.") % {"filter": getattr(func, "__name__", func)})
        variables += [arg for is_variable, arg in args if is_variable]
    for variable in variables:
        lookups = getattr(variable, "lookups", None)
        if lookups is None:  # a literal: "text" or 3
            continue
        if len(lookups) > 1:
            problems.append(
                _("Use plain variable names: “%(name)s” reaches into a value.") % {"name": ".".join(lookups)}
            )
        elif allowed is not None and lookups[0] not in allowed:
            problems.append(_("Unknown variable {{ %(name)s }}.") % {"name": lookups[0]})


def _problems(source: str, allowed: frozenset[str] | None) -> tuple[list[str], Any]:
    problems: list[str] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT and any(mark in token.contents for mark in ("{{", "}}", "{%", "%}")):
            # The lexer leaves a half-written tag as text: customers would get the braces.
            problems.append(
                _("Unfinished tag near “%(text)s”: variables are written {{ name }}, conditions {%% if name %%}.")
                % {"text": token.contents.strip()[:40]}
            )
        elif token.token_type == TokenType.BLOCK:
            command = token.split_contents()[0] if token.contents.strip() else ""
            if command not in ALLOWED_TAGS:
                problems.append(
                    _("The tag {%% %(tag)s %%} is not allowed; use {%% if %%} … {%% else %%} … {%% endif %%} only.")
                    % {"tag": command}
                )
    if problems:
        return problems, None
    try:
        template = _ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        return [_("Template syntax error: %(error)s") % {"error": error}], None
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        _check_expression(node.filter_expression, allowed, problems)
    for node in template.nodelist.get_nodes_by_type(IfNode):
        for condition, _nodelist in node.conditions_nodelists:
            for expression in _expressions_in_condition(condition):
                _check_expression(expression, allowed, problems)
    return list(dict.fromkeys(problems)), template


def validate_template(source: str, *, variables: frozenset[str]) -> None:
    """Raise ValidationError listing every problem: syntax, disallowed tags or filters, unknown variables."""
    problems, _template = _problems(source, variables)
    if problems:
        raise ValidationError(problems)


@lru_cache(maxsize=512)
def compile_template(source: str):
    """A compiled template, checked for safety (not for variable names: unknown ones render empty)."""
    problems, template = _problems(source, None)
    if problems:
        raise ValidationError(problems)
    return template


def render(source: str, context: dict[str, Any]) -> str:
    return compile_template(source).render(Context(context, autoescape=False))


def _localized(value: Any) -> Any:
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j F Y, H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j F Y")
    return str(value)  # lazy translations and anything else


def prepare_context(values: dict[str, Any], language: str, currency_symbol: str | None = None) -> dict[str, Any]:
    """Context values as the message shows them, in the recipient's language: money formatted (still
    false when zero; `currency_symbol` replaces settings.CURRENCY_SYMBOL, see NOTIFY_SMS_CURRENCY_SYMBOL),
    dates in local words, lazy translations resolved, None as empty text."""
    prepared: dict[str, Any] = {}
    localized = []
    for name, value in values.items():
        if value is None:
            prepared[name] = ""
        elif isinstance(value, Amount):
            prepared[name] = Amount(value.amount, currency_symbol) if currency_symbol is not None else value
        elif isinstance(value, (str, bool, int)):
            prepared[name] = value
        elif isinstance(value, Decimal):
            prepared[name] = Amount(value, currency_symbol)
        else:
            localized.append(name)
    if localized:
        # Switching the language is the slow part of a broadcast: once per context, not per value.
        with translation.override(language):
            for name in localized:
                prepared[name] = _localized(values[name])
    return prepared


# GSM 03.38 basic character set (plus the extension table, which costs two septets per character).
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


def sms_parts(text: str) -> dict[str, Any]:
    """How an SMS is billed: GSM-7 (160 per message, 153 when split) or Unicode (70 / 67), e.g. Bangla."""
    if all(char in _GSM7 or char in _GSM7_EXTENDED for char in text):
        length = sum(2 if char in _GSM7_EXTENDED else 1 for char in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "Unicode"
    parts = 1 if length <= single else -(-length // multi)
    return {"length": length, "parts": parts, "encoding": encoding}
