"""Superuser back office. Staff edit templates in the console; here a template is still validated
through the same service, and the log is read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .message_templates import TEMPLATE_FIELDS, clean_template_fields
from .models import Message, MessageTemplate, NotificationPreference


class MessageTemplateAdminForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = TEMPLATE_FIELDS

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned.update(clean_template_fields(
                template=self.instance, fields={name: cleaned.get(name, "") for name in TEMPLATE_FIELDS},
            ))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateAdminForm
    list_display = ("event", "channel", "language", "active", "updated_at")
    list_filter = ("event", "channel", "language", "active")

    def has_add_permission(self, request):
        return False  # one row per event, channel and language, created after migrate

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "customer", "to", "channel", "event", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "event")
    search_fields = ("to", "customer__account_number", "provider_message_id")
    raw_id_fields = ("customer",)
    # A secret's real text (encrypted, kept only until sent) is never shown; subject and body hold it masked.
    exclude = ("sealed",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("customer", "event", "sms", "whatsapp", "email", "updated_at")
    list_filter = ("event",)
    raw_id_fields = ("customer",)
