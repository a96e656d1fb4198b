from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ispbill.core.forms import FilterSelect, LocaleDateField, MarkInvalidMixin
from tickets.models import Category, Priority, Ticket
from tickets.services import ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES
from web.customers.forms.customer import grouped_area_choices

WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]
# Formatted when shown, in the reader's language (formatting a lazy string at import fixed it in English).
ATTACHMENT_HELP = lazy(
    lambda: gettext("Optional: a photo (JPEG, PNG, WebP) or a PDF, up to %(mb)d MB.") % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
    str,
)()


class _Form(MarkInvalidMixin, forms.Form):
    pass


class PortalTicketForm(_Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=[("", "—")] + Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    description = forms.CharField(label=_("Describe the problem"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=ATTACHMENT_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ATTACHMENT_TYPES)}),
    )


class StaffTicketForm(PortalTicketForm):
    source = forms.ChoiceField(label=_("Reported by"), choices=[(Ticket.Source.CALL, _("Phone call")), (Ticket.Source.STAFF, _("In person / other"))])
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("By category"))] + Priority.choices, required=False)
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody yet"))

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["category"].label = _("Category")
        self.fields["description"].label = _("Description")


class ReplyForm(_Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    internal = forms.BooleanField(label=_("Internal note (the customer does not see it)"), required=False)


class CustomerReplyForm(_Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ReopenForm(_Form):
    reason = forms.CharField(label=_("What is still wrong?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class StatusForm(_Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Note for the history"), required=False, max_length=500,
        help_text=_("When you resolve the ticket, the customer sees this note as the resolution."),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Ticket.TRANSITIONS.get(ticket.status, set())
        self.fields["status"].choices = [(value, label) for value, label in Ticket.Status.choices if value in allowed]


class TriageForm(_Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class InboxFilterForm(forms.Form):
    VIEWS = [("", _("All")), ("mine", _("Mine")), ("unassigned", _("Unassigned")), ("breached", _("Overdue / breached"))]
    STATUSES = [("", _("Unfinished")), *Ticket.Status.choices, ("all", _("Any status"))]

    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False, widget=FilterSelect)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False, widget=FilterSelect)
    branch = forms.TypedChoiceField(label=_("Branch"), coerce=int, empty_value=None, required=False, widget=FilterSelect)
    area = forms.TypedChoiceField(label=_("Area"), coerce=int, empty_value=None, required=False, widget=FilterSelect)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All categories"))] + Category.choices, required=False,
                                 widget=FilterSelect)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("All priorities"))] + Priority.choices, required=False,
                                 widget=FilterSelect)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, choices: dict, **kwargs):
        """`choices` from `customers.selectors.area_filter_choices`, already limited to the user's branches."""
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("All branches")), *choices["branches"]]
        self.fields["area"].choices = [("", _("All areas")), *grouped_area_choices(choices["areas"])]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "view": data["view"], "status": data["status"], "branch_id": data["branch"], "area_id": data["area"],
            "category": data["category"], "priority": data["priority"], "query": data["q"],
        }


class BulkAssignForm(_Form):
    tickets = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=_("Tickets"))
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody (unassign)"))

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        # Any ids: the view fetches them through the viewer's scope, so others' tickets are never touched.
        self.fields["tickets"].valid_value = lambda value: str(value).isdigit()


class SlaPolicyForm(_Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Every category"))] + Category.choices, required=False)
    # No min_value here: the service refuses zero with the reason, and the browser's min= stops slips.
    response_minutes = forms.IntegerField(label=_("First response (business minutes)"), widget=forms.NumberInput(attrs={"min": 1}))
    resolution_minutes = forms.IntegerField(label=_("Resolution (business minutes)"), widget=forms.NumberInput(attrs={"min": 1}))


class SupportSettingsForm(_Form):
    workday_start = forms.TimeField(label=_("Working day starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    workday_end = forms.TimeField(label=_("Working day ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple,
    )
    reopen_days = forms.IntegerField(label=_("Customers may reopen a resolved ticket for (days)"), min_value=0, max_value=365)
    warn_before_minutes = forms.IntegerField(label=_("Warn before a deadline (minutes)"), min_value=1, max_value=24 * 60)


class HolidayForm(_Form):
    date = LocaleDateField(label=_("Date"))
    name = forms.CharField(label=_("Name"), max_length=100)


class SurveyForm(_Form):
    rating = forms.TypedChoiceField(
        label=_("How did we do?"), coerce=int, choices=[(n, "★" * n) for n in range(5, 0, -1)], widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Anything to add? (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class MonthForm(forms.Form):
    month = forms.DateField(required=False, input_formats=["%Y-%m"])
