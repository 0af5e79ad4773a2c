from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "samdigi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from samdigi.core import history, lookups, navigation

        history.connect_signals()
        lookups.register()
        # Each app's navigation.py registers its menu entries; core names no domain URL.
        navigation.autodiscover()
