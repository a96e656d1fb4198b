from django.contrib import admin

from .models import Reseller


@admin.register(Reseller)
class ResellerAdmin(admin.ModelAdmin):
    list_display = ('name', 'phone', 'branch', 'is_active')
