"""The payments app's views per surface; config/urls.py mounts each list under its surface, and the
gateway's public callbacks (`public`) under /pay/."""

from . import callbacks, online_views, paybill_views, portal_views, reconciliation_views, views

staff = [*views.urlpatterns, *online_views.urlpatterns, *reconciliation_views.urlpatterns]
portal = [*portal_views.urlpatterns]
public = [*callbacks.urlpatterns, *paybill_views.urlpatterns]
