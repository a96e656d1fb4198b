"""The billing app's views per surface; config/urls.py mounts each list under its surface."""

from .views import charges as charges_views
from .views import invoices, package_changes, runs
from .views import portal as portal_views
from .views import settings as settings_views
from .views import vat as vat_views

staff = [
    # Billing runs
    *runs.urlpatterns,
    # Invoices, their PDFs and the customer statement PDF
    *invoices.urlpatterns,
    # Settings → Billing
    *settings_views.urlpatterns,
    # Package requests and changing a subscription's package
    *package_changes.staff_urlpatterns,
    # One-time charges, manual invoices, credit notes
    *charges_views.urlpatterns,
    # The Mushak forms (6.3, 6.7) and VAT deducted at source (docs/vat.md)
    *vat_views.urlpatterns,
]
portal = [*portal_views.urlpatterns, *package_changes.portal_urlpatterns]
