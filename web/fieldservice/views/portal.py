"""Customer portal: upcoming visits, the rating after a completed one, and the equipment installed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fieldservice import selectors
from ispbill.core.forms import add_service_errors
from usecases.workorder_rate import workorder_rate

from ..forms import RatingForm


def visits(request, form=None, rated_pk=None, status=200):
    customer = request.customer
    return render(request, "fieldservice/portal_visits.html", {
        "upcoming": selectors.upcoming_visits_for_customer(customer=customer),
        "to_rate": selectors.visits_to_rate(customer=customer),
        "equipment": selectors.installed_equipment(customer=customer),
        "rating_form": RatingForm(), "failed_form": form, "failed_pk": rated_pk,
    }, status=status)


def visit_rate(request, pk: int):
    order = selectors.workorder_get_for_customer(customer=request.customer, pk=pk)  # another customer's: 404
    if request.method != "POST":
        return redirect("portal:visits")
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            workorder_rate(customer=request.customer, order=order, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for rating the visit."))
            return redirect("portal:visits")
    return visits(request, form=form, rated_pk=order.pk, status=400)


urlpatterns = [
    path("visits/", visits, name="visits"),
    path("visits/<int:pk>/rate/", visit_rate, name="visit-rate"),
]
