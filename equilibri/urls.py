from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from equilibri.accounts.decorators import mfa_missing
from equilibri.api import api
from equilibri.core import views as core_views

# The Django admin is for superusers only, signs in through the same login and, like every staff
# role, needs two-factor authentication active.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
_admin_has_permission = admin.site.has_permission
admin.site.has_permission = (  # type: ignore[method-assign]
    lambda request: _admin_has_permission(request) and not mfa_missing(request.user)
)
admin.site.site_header = "Equilibri — amministrazione tecnica"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/hsds/", include("equilibri.catalogue.hsds_urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]

# Italian at /, English at /en/.
urlpatterns += i18n_patterns(
    path("", include("equilibri.core.urls")),
    path("account/", include("allauth.urls")),
    path("area-riservata/", include("equilibri.accounts.urls")),
    path("territorio/", include("equilibri.territory.urls")),
    path("area-riservata/organizzazioni/", include("equilibri.network.urls")),
    path("area-riservata/piani/", include("equilibri.plans.urls")),
    path("area-riservata/monitoraggio/", include("equilibri.plans.monitoring_urls")),
    path("area-riservata/comitato/", include("equilibri.plans.committee_urls")),
    path("area-riservata/cruscotto/", include("equilibri.reports.urls")),
    path("rete/", include("equilibri.network.public_urls")),
    path("piani/", include("equilibri.plans.public_urls")),
    path("servizi/", include("equilibri.catalogue.public_urls")),
    path("area-riservata/servizi/", include("equilibri.catalogue.urls")),
    path("area-riservata/sportelli/", include("equilibri.desks.urls")),
    path("voucher/", include("equilibri.vouchers.public_urls")),
    path("area-riservata/voucher/", include("equilibri.vouchers.urls")),
    path("bandi/", include("equilibri.calls.public_urls")),
    path("area-riservata/bandi/", include("equilibri.calls.urls")),
    path("sportelli/", include("equilibri.desks.public_urls")),
    path("questionari/", include("equilibri.surveys.public_urls")),
    path("area-riservata/rilevazioni/", include("equilibri.surveys.urls")),
    path("", include("equilibri.citizens.public_urls")),
    path("area-riservata/segnalazioni/", include("equilibri.citizens.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "equilibri.core.views.bad_request"
handler403 = "equilibri.core.views.permission_denied"
handler404 = "equilibri.core.views.page_not_found"
handler500 = "equilibri.core.views.server_error"
# Not a Django handler: allauth's rate limits (sign-up, password reset) answer with it, so every
# refusal shows the same page as ours (equilibri.core.ratelimit).
handler429 = "equilibri.core.ratelimit.too_many_requests"
