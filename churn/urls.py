"""Churn's staff pages: prediction (model quality, risk) in views.py, the retention workflow in
retention_views.py. Mounted on the staff surface by ispbill/urls.py."""

from .retention_views import staff_urlpatterns as retention_staff

staff: list = [*retention_staff]
