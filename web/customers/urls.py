from .views import catalog, customers, leads, portal, referrals, speedtest, subscriptions

staff = (
    customers.urlpatterns + subscriptions.urlpatterns + catalog.urlpatterns + leads.urlpatterns
    + referrals.staff_urlpatterns
)
portal = portal.urlpatterns + referrals.portal_urlpatterns + speedtest.portal_urlpatterns
public = referrals.public_urlpatterns
