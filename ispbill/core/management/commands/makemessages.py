"""`makemessages` that also finds `_t("…")`: several modules import `gettext as _t` (their `_` is
`gettext_lazy`), and Django's extractor knows only the standard names, so those strings never
reached the catalogue and stayed English in Bangla."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_t"]
