from django.shortcuts import render
from django.urls import path

from customers.selectors import portal_subscriptions
from fibre.selectors import portal_fibre_lines
from network.ipam_selectors import subscriptions_prefixes


def home(request):
    customer = request.customer
    subscriptions = list(portal_subscriptions(customer=customer))
    fibre = portal_fibre_lines(customer)  # "your fibre box has been off since 14:02 (power)"
    prefixes = subscriptions_prefixes(subscription.pk for subscription in subscriptions)  # the customer's own connections
    for subscription in subscriptions:
        subscription.fibre = fibre.get(subscription.pk)
        subscription.ipv6_prefix = prefixes.get(subscription.pk, "")
    return render(request, "customers/portal_home.html", {"customer": customer, "subscriptions": subscriptions})


urlpatterns = [path("", home, name="home")]
