from django.contrib import admin
from django.urls import include, path

from leder import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("account/", include("leder.auth.urls")),
    path("account/", include("allauth.urls")),
    path("notify/", include("notifications.public_urls")),
    path("notifications/", include("notifications.urls")),
    path("reviews/", include("reviews.urls")),
    path("governance/", include("governance.urls")),
    path("records/", include("reviews.records.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "leder.errors.bad_request"
handler403 = "leder.errors.permission_denied"
handler404 = "leder.errors.page_not_found"
handler500 = "leder.errors.server_error"
# allauth rate limits (too many sign-in attempts or reset requests).
handler429 = "leder.auth.views.too_many_requests"
