from . import address_views, outage_views, speed_views, usage_views, views

staff = (views.urlpatterns + usage_views.staff_urlpatterns + outage_views.urlpatterns + speed_views.urlpatterns
         + address_views.urlpatterns)
portal = usage_views.portal_urlpatterns
