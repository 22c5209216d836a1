"""URL map: product pages, admin, demo mail page and (simulator mode) the M365 simulator."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ebms.favicon import favicon
from ebms.recruiting import views as recruiting_views

urlpatterns = [
    path("", recruiting_views.dashboard, name="dashboard"),
    path("konto/", include("ebms.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("ebms.recruiting.urls")),
    path("kalender/", include("calendar_integration.urls")),
    path("demo/mails/", include("ebms.mail.urls")),
    path("favicon.ico", favicon, name="favicon"),
]
if settings.M365_SIMULATOR:
    urlpatterns.append(path("m365/", include("m365sim.urls")))

# Error pages in the product's layout (ebms/errors.py); CSRF failures: settings.CSRF_FAILURE_VIEW.
handler400 = "ebms.errors.bad_request"
handler403 = "ebms.errors.permission_denied"
handler404 = "ebms.errors.page_not_found"
handler500 = "ebms.errors.server_error"
