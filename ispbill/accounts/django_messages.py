"""Django's own messages that customers read on the portal's password pages, named here so
`makemessages` keeps them in our Bangla catalogue (Django's Bangla catalogue lacks them; ours is
searched first). Nothing imports this module; the strings are translated where Django uses them."""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_MESSAGES = (
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        8,
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
)
