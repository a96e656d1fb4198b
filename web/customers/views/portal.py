from django.shortcuts import render
from django.urls import path

from customers.selectors import portal_subscriptions


def home(request):
    customer = request.customer
    return render(
        request,
        "customers/portal_home.html",
        {"customer": customer, "subscriptions": portal_subscriptions(customer=customer)},
    )


urlpatterns = [path("", home, name="home")]
