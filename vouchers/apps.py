from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = "Prepaid cards"

    def ready(self) -> None:
        from network.speed_boundary import register_other_logins
        from radius.signals import role_ensured

        from . import notifications  # noqa: F401 - registers the Wi-Fi sign-up messages with ispbill/notify
        from .radius_sql import on_role_ensured
        from .speed_edges import CARDS

        # A speed window's edge reaches the cards online too (vouchers/speed_edges.py).
        register_other_logins(CARDS)

        # FreeRADIUS's role made (radius_db_role, radius_serve): the card key row and the card functions.
        role_ensured.connect(on_role_ensured, dispatch_uid="vouchers.card_logins")
