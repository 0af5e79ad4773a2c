from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "samdigi.procurement"
    label = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from samdigi.landscape.ical import register_event_provider
        from samdigi.procurement.calendar_events import tender_events

        register_event_provider(lambda user, code: list(tender_events(user, code)))

        from samdigi.procurement import replanning

        replanning.connect()
