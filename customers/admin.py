from django.contrib import admin

from .models import Area, Branch, Customer, Lead, Package, Subscription

# A superuser back office only: staff work in /staff/, where every write goes through services.


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "phone")


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "branch")
    list_filter = ("branch",)


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "download_mbps", "upload_mbps", "price", "billing_cycle", "is_active")
    list_filter = ("type", "is_active")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("account_number", "name", "phone", "area", "status")
    list_filter = ("status", "branch")
    search_fields = ("account_number", "name", "phone")
    raw_id_fields = ("user", "reseller", "area")
    readonly_fields = ("account_number", "branch", "status")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("login_label", "customer", "package", "router", "status")
    list_filter = ("status", "connection_type")
    search_fields = ("username", "customer__account_number")
    raw_id_fields = ("customer",)
    readonly_fields = ("status", "suspension_type", "activated_at", "suspended_at", "cancelled_at")
    exclude = ("password",)


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "area", "source", "status", "created_at")
    list_filter = ("status", "source")
