from django.core.paginator import Paginator
from django.shortcuts import render

from customers.selectors import reseller_customers


def home(request):
    customers = reseller_customers(reseller=request.reseller).order_by("name", "id")
    page = Paginator(customers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "resellers/home.html",
        {"reseller": request.reseller, "page": page, "customer_count": page.paginator.count},
    )
