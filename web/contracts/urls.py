"""The contracts app's views per surface; config/urls.py mounts each list under its surface."""

from .views import portal_urlpatterns, public_urlpatterns, staff_urlpatterns, technician_urlpatterns

staff = staff_urlpatterns
portal = portal_urlpatterns
public = public_urlpatterns
technician = technician_urlpatterns
