from django.urls import path

from reviews.views import (
    cases,
    dashboard,
    directory,
    holds,
    reports,
    review,
    supervision,
    timeline,
    versions,
)

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
    # The review (reviews/views/review.py and friends)
    path("cases/<str:reference>/hold/", holds.hold_page, name="hold"),
    path("cases/<str:reference>/resume/", holds.resume, name="resume"),
    path("cases/<str:reference>/review/", review.task_list, name="review"),
    path("cases/<str:reference>/review/submit/", review.submit_page, name="review_submit"),
    path("cases/<str:reference>/review/escalate/", review.escalate_page, name="review_escalate"),
    path(
        "cases/<str:reference>/review/condolence-letter.pdf",
        versions.condolence_letter,
        name="condolence_letter",
    ),
    path("cases/<str:reference>/review/versions/", versions.version_list, name="review_versions"),
    path(
        "cases/<str:reference>/review/versions/<int:number>/",
        versions.version_detail,
        name="review_version",
    ),
    path(
        "cases/<str:reference>/review/versions/<int:number>/changes/",
        versions.version_changes,
        name="review_version_changes",
    ),
    path(
        "cases/<str:reference>/review/versions/<int:number>/report.pdf",
        versions.version_pdf,
        name="review_version_pdf",
    ),
    path(
        "cases/<str:reference>/review/<slug:kind>/add/",
        timeline.row_add,
        name="review_row_add",
    ),
    path(
        "cases/<str:reference>/review/<slug:kind>/<int:pk>/",
        timeline.row_edit,
        name="review_row_edit",
    ),
    path(
        "cases/<str:reference>/review/<slug:kind>/<int:pk>/delete/",
        timeline.row_delete,
        name="review_row_delete",
    ),
    path(
        "cases/<str:reference>/review/<slug:key>/comments/",
        supervision.comment_add,
        name="review_comment",
    ),
    path(
        "cases/<str:reference>/review/<slug:key>/comments/<int:pk>/answer/",
        supervision.comment_reply,
        name="review_comment_reply",
    ),
    path("cases/<str:reference>/review/<slug:key>/", review.section_page, name="review_section"),
]
