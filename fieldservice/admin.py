from django.contrib import admin

from .models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    EquipmentItem,
    EquipmentModel,
    WorkOrder,
)


class ChecklistTemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 1


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    """Admins edit each kind's checklist here; new work orders copy it."""

    inlines = [ChecklistTemplateItemInline]
    list_display = ("kind", "photos_required", "serial_required")
    fields = ("kind", "photos_required", "serial_required")


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "customer", "technician", "status", "scheduled_start")
    list_filter = ("status", "kind")
    raw_id_fields = ("customer", "subscription", "lead", "ticket", "technician", "override_by", "created_by")

    def has_add_permission(self, request):
        return False  # created through the staff console's services, never a bare row

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EquipmentModel)
class EquipmentModelAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "serial_tracked", "sale_price", "rental_price")


@admin.register(EquipmentItem)
class EquipmentItemAdmin(admin.ModelAdmin):
    """Where an item is changes only through a move that its history records (staff console →
    Equipment stock, or a visit): read-only here."""

    list_display = ("serial", "model", "status", "branch", "technician", "customer")
    readonly_fields = ("status", "technician", "customer")
    list_filter = ("status", "model")
    search_fields = ("serial",)
    raw_id_fields = ("technician", "customer")
