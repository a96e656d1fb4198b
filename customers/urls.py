from .views import catalog, customers, leads, portal, subscriptions

staff = customers.urlpatterns + subscriptions.urlpatterns + catalog.urlpatterns + leads.urlpatterns
portal = portal.urlpatterns
