from django.db.models import Count, Q

from customers.models import Customer, Lead, Subscription
from customers.selectors import customers_visible_to, leads_visible_to, scope_to_branches


def staff_overview(*, user) -> dict:
    subscriptions = scope_to_branches(Subscription.objects.all(), user, field="customer__branch")
    by_status = dict(subscriptions.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    leads = leads_visible_to(user).aggregate(
        open=Count("id", filter=~Q(status__in=[Lead.Status.CONVERTED, Lead.Status.LOST]))
    )
    return {
        "customers_total": customers_visible_to(user).count(),
        "subscriptions": {status: by_status.get(status, 0) for status in Subscription.Status.values},
        "open_leads": leads["open"],
        "recent_customers": customers_visible_to(user).select_related("area").order_by("-id")[:8],
        "customer_statuses": Customer.Status,
    }
