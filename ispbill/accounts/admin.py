from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class IspUserAdmin(UserAdmin):
    list_display = ("username", "kind", "first_name", "last_name", "is_active", "is_superuser")
    list_filter = ("kind", "is_active", "is_superuser", "groups")
    fieldsets = UserAdmin.fieldsets + (("ISP", {"fields": ("kind", "phone", "all_branches", "branches")}),)
