from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "samdigi.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")


# The main navigation's link to the portfolio (core/base.html) is translated in this app's
# catalogue; naming the string here puts it there.
NAV_LABEL = _("Projects")
