from django.apps import AppConfig

from ispbill.core import branding


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        from .selectors import isp_brand

        # notify signs messages with the ISP's name and phone (Settings → Billing) and sits below us.
        branding.register_isp(isp_brand)
