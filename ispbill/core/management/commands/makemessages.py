"""`makemessages` that also finds `_t("…")` and `_l("…")`: several modules import `gettext as _t`
(their `_` is `gettext_lazy`) or `gettext_lazy as _l`, and Django's extractor knows only the
standard names, so those strings never reached the catalogue and stayed English in Bangla.
(xgettext does not look inside f-strings either: translate before formatting.)"""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_t", "--keyword=_l"]
