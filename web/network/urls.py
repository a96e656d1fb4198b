from . import outage_views, usage_views, views

staff = views.urlpatterns + usage_views.staff_urlpatterns + outage_views.urlpatterns
portal = usage_views.portal_urlpatterns
