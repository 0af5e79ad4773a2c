from django.urls import path

from samdigi.core.views import ObjectDeleteView, model_urls, section
from samdigi.procurement import public, views
from samdigi.procurement.models import (
    AwardDecision,
    Bid,
    Complaint,
    ParticipationRequest,
    Tender,
    TenderParticipant,
    Threshold,
)

app_name = "procurement"


urlpatterns = [
    section(
        "tender-participants/",
        model_urls(TenderParticipant, None, None, views.TenderParticipantEditView),
    ),
    section(
        "tender-requests/",
        model_urls(
            ParticipationRequest,
            None,
            None,
            views.ParticipationRequestEditView,
            views.TenderChildDeleteView,
        ),
    ),
    section(
        "tender-bids/", model_urls(Bid, None, None, views.BidEditView, views.TenderChildDeleteView)
    ),
    section(
        "tender-awards/",
        model_urls(
            AwardDecision, None, None, views.AwardDecisionEditView, views.AwardDecisionDeleteView
        ),
    ),
    section(
        "tender-complaints/",
        model_urls(Complaint, None, None, views.ComplaintEditView, views.TenderChildDeleteView),
    ),
    path("public/tenders/", public.public_tender_list, name="public_tenders"),
    path("public/tenders/<int:pk>/", public.public_tender_detail, name="public_tender"),
    path("tenders/pipeline/", views.pipeline, name="pipeline"),
    path("tenders/opportunities/", views.opportunity_list, name="opportunities"),
    path(
        "tenders/opportunities/<str:key>/plan/",
        views.opportunity_plan,
        name="opportunity_plan",
    ),
    path("tenders/<int:pk>/schedule/", views.tender_schedule, name="tender_schedule"),
    path(
        "tenders/<int:pk>/steps/<slug:key>/move/",
        views.tender_step_move,
        name="tender_step_move",
    ),
    path("tenders/<int:pk>/award/", views.tender_award, name="tender_award"),
    path(
        "tenders/<int:pk>/documents/add/",
        views.tender_attachment_upload,
        name="tender_attachment_add",
    ),
    section(
        "tenders/",
        model_urls(
            Tender,
            views.TenderListView,
            views.TenderDetailView,
            views.TenderEditView,
            ObjectDeleteView,
        ),
    ),
    section(
        "thresholds/",
        model_urls(
            Threshold,
            views.ThresholdListView,
            views.ThresholdDetailView,
            views.ThresholdEditView,
            ObjectDeleteView,
        ),
    ),
]
