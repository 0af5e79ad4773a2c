from django.urls import path

from samdigi.core.views import ObjectDeleteView, model_urls, section
from samdigi.landscape import views
from samdigi.landscape.models import (
    Contract,
    ItSystem,
    KleClass,
    LeadTime,
    ReminderSubscription,
    SystemUsage,
    Vendor,
)

app_name = "landscape"


urlpatterns = [
    section(
        "vendors/",
        model_urls(
            Vendor,
            views.VendorListView,
            views.VendorDetailView,
            views.VendorEditView,
            ObjectDeleteView,
        ),
    ),
    section("kle/", model_urls(KleClass, views.KleClassListView, views.KleClassDetailView)),
    section(
        "systems/",
        model_urls(
            ItSystem,
            views.ItSystemListView,
            views.ItSystemDetailView,
            views.ItSystemEditView,
            ObjectDeleteView,
        ),
    ),
    section(
        "usages/",
        model_urls(
            SystemUsage,
            views.SystemUsageListView,
            views.SystemUsageDetailView,
            views.SystemUsageEditView,
            ObjectDeleteView,
        ),
    ),
    section(
        "contracts/",
        model_urls(
            Contract,
            views.ContractListView,
            views.ContractDetailView,
            views.ContractEditView,
            ObjectDeleteView,
        ),
    ),
    path(
        "contracts/<int:pk>/documents/add/",
        views.contract_attachment_upload,
        name="contract_attachment_add",
    ),
    section(
        "reminders/",
        model_urls(
            ReminderSubscription,
            views.ReminderListView,
            views.ReminderDetailView,
            views.ReminderEditView,
            ObjectDeleteView,
        ),
    ),
    section(
        "lead-times/",
        model_urls(
            LeadTime,
            views.LeadTimeListView,
            views.LeadTimeDetailView,
            views.LeadTimeEditView,
            ObjectDeleteView,
        ),
    ),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/new-address/", views.calendar_rotate, name="calendar_rotate"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "calendar/<str:secret>/<str:code>.ics",
        views.calendar_feed,
        name="calendar_feed_municipality",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("import/", views.import_view, name="import"),
    path("import/<str:token>/", views.import_status, name="import_status"),
]
