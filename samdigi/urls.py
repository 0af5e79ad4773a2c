from importlib import import_module

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from samdigi.core.api import ObtainToken
from samdigi.organizations import api as organizations_api
from samdigi.organizations import views as organizations_views

router = DefaultRouter()
router.register("associations", organizations_api.AssociationViewSet)
router.register("municipalities", organizations_api.MunicipalityViewSet)
router.register("memberships", organizations_api.MembershipViewSet)
router.register("units", organizations_api.UnitViewSet)

# Each domain app adds its endpoints through `register(router)` in its api.py and its pages
# through its urls.py, so adding an app touches this file in one line.
DOMAIN_APPS = ("landscape", "procurement", "portfolio")
for app in DOMAIN_APPS:
    import_module(f"samdigi.{app}.api").register(router)

urlpatterns = [
    path("", organizations_views.home, name="home"),
    path("me/", organizations_views.profile, name="profile"),
    path("public/", TemplateView.as_view(template_name="core/public.html"), name="public"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("samdigi.organizations.urls")),
    *[path("", include(f"samdigi.{app}.urls")) for app in DOMAIN_APPS],
    path("api/v1/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
]
