"""The billing app's views per surface; ispbill/urls.py mounts each list under its surface."""

from .views import runs

staff = [
    # Billing runs
    *runs.urlpatterns,
]
