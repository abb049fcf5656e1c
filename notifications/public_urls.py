from django.urls import path

from notifications.views import public

app_name = "notify"

urlpatterns = [
    path("", public.start, name="start"),
    path("check-answers/", public.check_answers, name="check_answers"),
    path("confirmation/", public.confirmation, name="confirmation"),
    path("<slug:slug>/", public.step, name="step"),
]
