"""Churn's staff pages: prediction (model quality, risk) in views.py, the retention workflow in
retention_views.py. Mounted on the staff surface by config/urls.py."""

from .retention_views import staff_urlpatterns as retention_staff
from .views import staff_urls as prediction_urls

staff: list = [*prediction_urls, *retention_staff]
