from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Subscription
from fieldservice.models import WorkOrder
from fieldservice.selectors import technicians
from ispbill.core.forms import LocaleDateTimeField


class WorkOrderForm(forms.Form):
    account_number = forms.CharField(
        label=_("Customer account number"), required=False, max_length=32,
        help_text=_("Not needed when the order comes from a ticket, a lead or a customer page."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkOrder.Kind.choices)
    subscription = forms.ModelChoiceField(label=_("Connection"), queryset=Subscription.objects.none(), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=WorkOrder.Priority.choices, initial=WorkOrder.Priority.NORMAL)
    description = forms.CharField(label=_("What to do"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    window_start = LocaleDateTimeField(label=_("Customer's window from"), required=False)
    window_end = LocaleDateTimeField(label=_("to"), required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=720, initial=60)
    technician = forms.ModelChoiceField(label=_("Technician"), queryset=technicians(), required=False)
    scheduled_start = LocaleDateTimeField(label=_("Scheduled at"), required=False)

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians()
        self.fields["technician"].label_from_instance = lambda user: user.get_full_name() or user.username
        if customer is not None:
            self.fields["subscription"].queryset = customer.subscriptions.select_related("package")
            del self.fields["account_number"]


class AssignForm(forms.Form):
    technician = forms.ModelChoiceField(label=_("Technician"), queryset=technicians(), required=False)
    scheduled_start = LocaleDateTimeField(label=_("Scheduled at"), required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=720, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians()
        self.fields["technician"].label_from_instance = lambda user: user.get_full_name() or user.username


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the visit?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")],
    )
    comment = forms.CharField(label=_("Anything to add? (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class IssueForm(forms.Form):
    technician = forms.ModelChoiceField(label=_("Issue to technician"), queryset=technicians())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians()
        self.fields["technician"].label_from_instance = lambda user: user.get_full_name() or user.username
