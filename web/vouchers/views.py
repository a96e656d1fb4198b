"""The card distributor's pages in the reseller portal: its batches with sold, used and unused counts,
reporting cards sold by serial range, blocking a lost card, printing its cards. Every batch comes
through `selectors.batch_get_for_distributor` (another distributor's batch is a 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vouchers import selectors, services
from vouchers.models import format_serial

from .forms import BlockForm, PrintForm, SoldForm
from .staff_views import csv_response, errors_to_form, pdf_response

# A distributor prints its own cards a few hundred at a time.
DISTRIBUTOR_MAX_PRINT = 1_000
# The print form shares its field names with the "cards sold" form on the same page: its own ids, so
# each label names its own field.
PRINT_IDS = "id_print_%s"


def _distributor(request):
    reseller = request.reseller
    if not reseller.is_card_distributor:
        raise Http404
    return reseller


@require_GET
def batch_list(request):
    distributor = _distributor(request)
    batches = list(selectors.batches_for_distributor(distributor=distributor))
    counts = selectors.batch_counts(batch_ids=[b.pk for b in batches])
    return render(request, "vouchers/batch_list.html", {
        "rows": [(batch, counts[batch.pk]) for batch in batches], "totals": selectors.distributor_totals(distributor=distributor),
        "block_form": BlockForm(),
    })


def _detail(request, batch, *, sold_form=None, print_form=None, status=200):
    return render(request, "vouchers/batch_detail.html", {
        "batch": batch, "counts": selectors.batch_counts(batch_ids=[batch.pk])[batch.pk],
        "sold_form": sold_form or SoldForm(initial={"first_serial": batch.first_serial}),
        "print_form": print_form or PrintForm(batch=batch, max_cards=DISTRIBUTOR_MAX_PRINT, auto_id=PRINT_IDS),
        "first_serial": format_serial(batch.first_serial), "last_serial": format_serial(batch.last_serial),
    }, status=status)


@require_GET
def batch_detail(request, pk: int):
    batch = selectors.batch_get_for_distributor(distributor=_distributor(request), pk=pk)
    return _detail(request, batch)


@require_POST
def batch_sold(request, pk: int):
    batch = selectors.batch_get_for_distributor(distributor=_distributor(request), pk=pk)
    form = SoldForm(request.POST)
    if form.is_valid():
        try:
            sold = services.cards_mark_sold(actor=request.user, batch=batch, first_serial=form.cleaned_data["first_serial"],
                                            last_serial=form.cleaned_data["last_serial"])
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("%(count)s cards marked sold.") % {"count": sold})
            return redirect("reseller:card-batch-detail", pk=batch.pk)
    return _detail(request, batch, sold_form=form, status=400)


@require_GET
def batch_pdf(request, pk: int):
    batch = selectors.batch_get_for_distributor(distributor=_distributor(request), pk=pk)
    form = PrintForm(request.GET, batch=batch, max_cards=DISTRIBUTOR_MAX_PRINT, auto_id=PRINT_IDS)
    if not form.is_valid():
        return _detail(request, batch, print_form=form, status=400)
    return pdf_response(batch, form.cleaned_data)


@require_GET
def batch_csv(request, pk: int):
    """The distributor's own batch for a card printer (every card of it: a CSV is quick to make)."""
    return csv_response(selectors.batch_get_for_distributor(distributor=_distributor(request), pk=pk))


@require_POST
def card_block(request):
    distributor = _distributor(request)
    form = BlockForm(request.POST)
    if form.is_valid():
        try:
            card = services.card_block(actor=request.user, serial=form.cleaned_data["serial"], reason=form.cleaned_data["reason"],
                                       distributor=distributor)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Card %(serial)s blocked.") % {"serial": format_serial(card.serial)})
            return redirect("reseller:card-batch-list")
    batches = list(selectors.batches_for_distributor(distributor=distributor))
    counts = selectors.batch_counts(batch_ids=[b.pk for b in batches])
    return render(request, "vouchers/batch_list.html", {
        "rows": [(batch, counts[batch.pk]) for batch in batches], "totals": selectors.distributor_totals(distributor=distributor),
        "block_form": form,
    }, status=400)


