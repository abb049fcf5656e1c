from django.urls import path

from notifications.views import staff

app_name = "notifications"

urlpatterns = [
    path("", staff.notification_list, name="list"),
    path("<str:reference>/", staff.notification_detail, name="detail"),
    path("<str:reference>/decision/", staff.notification_decision, name="decision"),
    path("<str:reference>/opt-out/", staff.notification_opt_out_view, name="opt_out"),
    path("<str:reference>/route/", staff.notification_route_view, name="route"),
]
