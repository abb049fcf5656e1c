from django.urls import path

from reviews.records.views import public, staff

app_name = "records"

urlpatterns = [
    path("cases/<str:reference>/", staff.case_records, name="case"),
    path("cases/<str:reference>/new/", staff.request_new, name="new"),
    path("requests/<str:key>/", staff.request_detail, name="request"),
    path("requests/<str:key>/cancel/", staff.request_cancel, name="cancel"),
    path("files/<str:key>/", staff.file_download, name="download"),
    # The organisation's pages: the token in the path is the only secret.
    path("upload/<str:token>/", public.upload, name="upload"),
    path("upload/<str:token>/finish/", public.finish, name="finish"),
    path("upload/<str:token>/phone/", public.phone, name="phone"),
]
