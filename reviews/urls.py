from django.urls import path

from reviews.views import cases, dashboard, directory, reports

app_name = "reviews"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("mine/", dashboard.my_reviews, name="my_reviews"),
    path("overrides/", reports.override_report, name="overrides"),
    path("reviewers/", directory.reviewer_list, name="reviewers"),
    path("reviewers/add/", directory.reviewer_add, name="reviewer_add"),
    path("reviewers/<str:key>/", directory.reviewer_detail, name="reviewer"),
    path("reviewers/<str:key>/edit/", directory.reviewer_edit, name="reviewer_edit"),
    path(
        "reviewers/<str:key>/employment/add/",
        directory.employment_add_view,
        name="employment_add",
    ),
    path(
        "reviewers/<str:key>/employment/<int:pk>/",
        directory.employment_edit_view,
        name="employment_edit",
    ),
    path("reviewers/<str:key>/conflicts/add/", directory.conflict_add_view, name="conflict_add"),
    path(
        "reviewers/<str:key>/conflicts/<int:pk>/",
        directory.conflict_edit_view,
        name="conflict_edit",
    ),
    path("cases/<str:reference>/", cases.case_detail, name="case"),
    path("cases/<str:reference>/allocate/", cases.case_allocate_view, name="allocate"),
    path("cases/<str:reference>/accept/", cases.case_accept_view, name="accept"),
    path("cases/<str:reference>/conflict/", cases.case_decline_view, name="decline"),
    path(
        "cases/<str:reference>/organisations/add/",
        cases.case_provider_add_view,
        name="provider_add",
    ),
    path("cases/<str:reference>/keep-reviewer/", cases.conflict_keep_view, name="keep_reviewer"),
]
