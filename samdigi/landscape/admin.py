from django.contrib import admin

from samdigi.landscape.models import (
    CalendarFeed,
    Contract,
    ItSystem,
    KleClass,
    LeadTime,
    ReminderSubscription,
    SentReminder,
    SystemUsage,
    Vendor,
)


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ("name", "cvr", "foreign")
    search_fields = ("name", "cvr")


@admin.register(KleClass)
class KleClassAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "level", "retired")
    search_fields = ("number", "title")


@admin.register(ItSystem)
class ItSystemAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "vendor", "lifecycle")
    search_fields = ("name",)


@admin.register(SystemUsage)
class SystemUsageAdmin(admin.ModelAdmin):
    list_display = ("system", "owner", "lifecycle", "internal")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "vendor", "current_end", "notice_deadline", "retender_start")
    search_fields = ("name", "contract_number")
    readonly_fields = (
        "current_end",
        "ends_on",
        "latest_end",
        "notice_deadline",
        "option_decision",
        "retender_start",
    )


admin.site.register([LeadTime, ReminderSubscription, SentReminder, CalendarFeed])
