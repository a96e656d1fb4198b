from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Branch, Subscription
from fieldservice import stock
from fieldservice.models import EquipmentModel, WorkOrder
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


# The equipment store ------------------------------------------------------------------------------

def _technician_label(user) -> str:
    return user.get_full_name() or user.username


class ReceiveForm(forms.Form):
    model = forms.ModelChoiceField(label=_("Model"), queryset=EquipmentModel.objects.none())
    branch = forms.ModelChoiceField(label=_("Into the store of"), queryset=Branch.objects.none())
    serials = forms.CharField(
        label=_("Serials"), widget=forms.Textarea(attrs={"rows": 5, "autocapitalize": "characters", "spellcheck": "false"}),
        max_length=stock.MAX_RECEIVE * 66, help_text=_("One per line: type them or scan each barcode."),
    )
    note = forms.CharField(label=_("Reference (supplier, invoice)"), max_length=150, required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = EquipmentModel.objects.filter(serial_tracked=True)
        self.fields["branch"].queryset = branches
        if len(branches) == 1:
            self.fields["branch"].initial = branches[0].pk

    def serial_lines(self) -> list[str]:
        return self.cleaned_data["serials"].splitlines()


class ReceiveSheetForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Into the store of"), queryset=Branch.objects.none())
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_("A Serial column and a Model column (the model's name as in the list); one serial per row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    note = forms.CharField(label=_("Reference (supplier, invoice)"), max_length=150, required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        if len(branches) == 1:
            self.fields["branch"].initial = branches[0].pk


class StockIssueForm(forms.Form):
    technician = forms.ModelChoiceField(label=_("Technician"), queryset=technicians())
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians
        self.fields["technician"].label_from_instance = _technician_label


class StockNoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class StockReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))
