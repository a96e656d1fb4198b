from . import usage_views, views

staff = views.urlpatterns + usage_views.staff_urlpatterns
portal = usage_views.portal_urlpatterns
