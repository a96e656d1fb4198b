from django.contrib import admin

from .models import DriftReport, ProvisioningTask, Router


@admin.register(Router)
class RouterAdmin(admin.ModelAdmin):
    list_display = ("name", "host", "api_port", "use_ssl", "branch", "is_active", "is_online", "last_seen_at")
    list_filter = ("is_active", "is_online", "branch")
    search_fields = ("name", "host")
    # The API password is set from the staff console, where it is write-only.
    exclude = ("password",)
    readonly_fields = (
        "is_online", "last_seen_at", "last_checked_at", "uptime_seconds", "cpu_load", "routeros_version", "board_name",
        "identity", "active_sessions", "last_error",
    )


@admin.register(ProvisioningTask)
class ProvisioningTaskAdmin(admin.ModelAdmin):
    list_display = ("id", "router", "action", "key", "status", "attempts", "next_attempt_at", "created_at", "applied_at")
    list_filter = ("status", "action", "router")
    search_fields = ("key", "last_error")
    raw_id_fields = ("subscription", "created_by")


@admin.register(DriftReport)
class DriftReportAdmin(admin.ModelAdmin):
    list_display = ("id", "router", "started_at", "status", "checked")
    list_filter = ("status", "router")
    raw_id_fields = ("requested_by",)
