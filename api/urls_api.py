"""/api/: the staff API (v1), the customer app's API (portal), the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import portal_views, schema, views  # noqa: F401 (schema: registers the bearer scheme with drf-spectacular)

# Ids are integers in the URL (`<int:pk>`): anything else is a 404 before a view runs.
v1 = SimpleRouter(use_regex_path=False)
v1.register("customers", views.CustomerViewSet, basename="customer")
v1.register("subscriptions", views.SubscriptionViewSet, basename="subscription")
v1.register("packages", views.PackageViewSet, basename="package")
v1.register("invoices", views.InvoiceViewSet, basename="invoice")
v1.register("payments", views.PaymentViewSet, basename="payment")
v1.register("tickets", views.TicketViewSet, basename="ticket")
v1.register("usage", views.UsageViewSet, basename="usage")
v1.register("sessions", views.SessionViewSet, basename="session")

portal = SimpleRouter(use_regex_path=False)
portal.register("token", portal_views.PortalTokenView, basename="token")
portal.register("me", portal_views.PortalMeView, basename="me")
portal.register("subscriptions", portal_views.PortalSubscriptionViewSet, basename="subscription")
portal.register("invoices", portal_views.PortalInvoiceViewSet, basename="invoice")
portal.register("payments", portal_views.PortalPaymentViewSet, basename="payment")
portal.register("tickets", portal_views.PortalTicketViewSet, basename="ticket")
portal.register("usage", portal_views.PortalUsageViewSet, basename="usage")
portal.register("sessions", portal_views.PortalSessionViewSet, basename="session")

urlpatterns = [
    path("v1/", include((v1.urls, "api-v1"))),
    path("portal/", include((portal.urls, "api-portal"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script as a file (the split view): our CSP runs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
