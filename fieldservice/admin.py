from django.contrib import admin

from .models import FieldTask


@admin.register(FieldTask)
class FieldTaskAdmin(admin.ModelAdmin):
    list_display = ('kind', 'customer', 'technician', 'status', 'scheduled_for')
