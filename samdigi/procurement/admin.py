from django.contrib import admin

from samdigi.procurement.models import (
    AwardDecision,
    Bid,
    Complaint,
    ParticipationRequest,
    Tender,
    TenderParticipant,
    TenderStep,
    Threshold,
)


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "valid_from",
        "valid_to",
        "supplies_services_eur",
        "supplies_services_dkk",
        "works_eur",
        "social_services_eur",
    )


class ParticipantInline(admin.TabularInline):
    model = TenderParticipant
    extra = 0
    raw_id_fields = ("replaced_contract", "resulting_contract")


class StepInline(admin.TabularInline):
    model = TenderStep
    extra = 0


class ParticipationRequestInline(admin.TabularInline):
    model = ParticipationRequest
    extra = 0


class BidInline(admin.TabularInline):
    model = Bid
    extra = 0


class AwardDecisionInline(admin.TabularInline):
    model = AwardDecision
    extra = 0
    raw_id_fields = ("product",)


class ComplaintInline(admin.TabularInline):
    model = Complaint
    extra = 0


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "procedure", "status", "required_start", "published")
    list_filter = ("status", "procedure", "published")
    search_fields = ("title", "reference")
    filter_horizontal = ("contracts", "systems", "kle")
    inlines = [
        ParticipantInline,
        StepInline,
        ParticipationRequestInline,
        BidInline,
        AwardDecisionInline,
        ComplaintInline,
    ]


@admin.register(AwardDecision)
class AwardDecisionAdmin(admin.ModelAdmin):
    list_display = ("tender", "vendor", "decided_on", "criteria", "value", "status")
    list_filter = ("status", "criteria")
    raw_id_fields = ("tender", "product")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("tender", "complainant", "filed_on", "outcome", "consequence")
    list_filter = ("outcome", "consequence")
    raw_id_fields = ("tender", "award")
