"""Forms of Settings → Users & roles. They parse input; the services in services.py validate and write."""

from django import forms
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from customers.models import Branch
from ispbill.accounts.models import User
from ispbill.accounts.selectors import MANAGED_KINDS, matrix_permissions, user_branch_ids
from ispbill.core.forms import MarkInvalidMixin

KIND_CHOICES = [(kind.value, kind.label) for kind in MANAGED_KINDS]
EDITABLE_FIELDS = ("username", "first_name", "last_name", "email", "phone", "kind", "all_branches", "is_active")


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *KIND_CHOICES], required=False)
    role = forms.ModelChoiceField(
        label=_("Role"), queryset=Group.objects.order_by("name"), required=False, empty_label=_("All roles")
    )


class UserForm(MarkInvalidMixin, forms.Form):
    """Create or edit a staff or technician login.

    Only holders of accounts.manage_roles may change a user's roles, and a branch-limited editor can
    neither grant "all branches" nor branches outside their own: the fields they may not change are
    disabled, so the posted values cannot change them either.
    """

    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=KIND_CHOICES, initial=User.Kind.STAFF,
        help_text=_("Staff sign in to the staff console; technicians to the technician app."),
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Group.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    all_branches = forms.BooleanField(
        label=_("All branches"), required=False, initial=True,
        help_text=_("Untick to limit this user to the branches chosen below."),
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches"), queryset=Branch.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True, help_text=_("Inactive users cannot sign in."))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_confirm = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, editor: User, user: User | None = None, **kwargs):
        self.editor, self.user = editor, user
        if user is not None:
            kwargs.setdefault("initial", {
                **{name: getattr(user, name) for name in EDITABLE_FIELDS},
                "roles": list(user.groups.all()),
                "branches": list(user.branches.all()),
            })
        super().__init__(*args, **kwargs)
        if user is not None:  # passwords change through their own form
            del self.fields["password"], self.fields["password_confirm"]
        if not editor.has_perm("accounts.manage_roles"):
            self.fields["roles"].disabled = True
            self.fields["roles"].help_text = _("Only users who can manage roles may change these.")
        editor_branches = user_branch_ids(editor)
        if editor_branches is not None:
            self.fields["all_branches"].disabled = True
            self.fields["all_branches"].initial = False
            self.fields["branches"].queryset = Branch.objects.filter(pk__in=editor_branches).order_by("name")
        self.outside_branches = (
            list(user.branches.exclude(pk__in=editor_branches)) if user is not None and editor_branches is not None else []
        )

    def clean(self):
        data = super().clean()
        if "password" in self.fields and data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords differ."))
        if self.outside_branches and "branches" in data:
            # Branches the editor cannot see stay as they were.
            data["branches"] = [*data["branches"], *self.outside_branches]
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("password_confirm", None)
        return data


class PasswordSetForm(MarkInvalidMixin, forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_confirm = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords differ."))
        return data


class RoleCreateForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    copy_from = forms.ModelChoiceField(
        label=_("Start with the permissions of"), queryset=Group.objects.order_by("name"), required=False,
        empty_label=_("No permissions"),
    )


class RolePermissionsForm(forms.Form):
    """The matrix posts the ids of the ticked permissions; permissions outside the matrix are kept."""

    permissions = forms.ModelMultipleChoiceField(queryset=matrix_permissions(), required=False)

    def __init__(self, *args, role: Group, **kwargs):
        self.role = role
        kwargs.setdefault("initial", {"permissions": list(role.permissions.values_list("pk", flat=True))})
        super().__init__(*args, **kwargs)

    def chosen_ids(self) -> set[int]:
        if self.is_bound and self.is_valid():
            return {p.pk for p in self.cleaned_data["permissions"]}
        if self.is_bound:
            return {int(value) for value in self.data.getlist("permissions") if value.isdigit()}
        return set(self.initial["permissions"])

    def all_permissions(self) -> list[Permission]:
        outside = self.role.permissions.exclude(pk__in=matrix_permissions().values("pk"))
        return [*self.cleaned_data["permissions"], *outside]
