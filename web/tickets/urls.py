from .views import portal as portal_views
from .views import reports, sla_settings
from .views import staff as staff_views

staff = staff_views.urlpatterns + sla_settings.urlpatterns + reports.urlpatterns
portal = portal_views.urlpatterns
