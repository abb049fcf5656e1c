from django.urls import path

from leder.auth import views

urlpatterns = [
    path("security/", views.account_security, name="account_security"),
]
