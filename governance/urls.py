from django.urls import path

from governance.views import actions, agenda, documents, kpis, meetings, minutes

app_name = "governance"

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/members/add/", meetings.member_invite, name="member_invite"),
    path(
        "meetings/<int:pk>/members/<int:member_pk>/remove/",
        meetings.member_remove,
        name="member_remove",
    ),
    path("meetings/<int:pk>/attendance/", meetings.attendance, name="attendance"),
    path("meetings/<int:pk>/status/<str:move>/", meetings.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/agenda/add/", agenda.agenda_add, name="agenda_add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/remove/", agenda.agenda_remove, name="agenda_remove"
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/move/<str:direction>/",
        agenda.agenda_move,
        name="agenda_move",
    ),
    path("meetings/<int:pk>/items/<int:item_pk>/", agenda.item_detail, name="item"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/report/<str:variant>.pdf",
        agenda.item_report,
        name="item_report",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/conflict/",
        agenda.conflict_declare,
        name="conflict_declare",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decision/",
        agenda.decision_record_view,
        name="decision_record",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/sign/",
        agenda.decision_sign_view,
        name="decision_sign",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/withdraw/",
        agenda.decision_withdraw_view,
        name="decision_withdraw",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/amendments/",
        agenda.amendments_check_view,
        name="amendments_check",
    ),
    path("meetings/<int:pk>/minutes/", minutes.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/addendum/", minutes.addendum_add, name="addendum_add"),
    path("meetings/<int:pk>/pack/", minutes.pack_request, name="pack_request"),
    path("documents/<int:pk>/", documents.document_detail, name="document"),
    path("documents/<int:pk>/status/", documents.document_status, name="document_status"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("actions/", actions.action_list, name="actions"),
    path("actions/new/", actions.action_new, name="action_new"),
    path("actions/<int:pk>/", actions.action_detail, name="action"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", actions.action_status, name="action_status"),
    path("actions/<int:pk>/progress/", actions.action_progress, name="action_progress"),
    path("actions/<int:pk>/evidence/", actions.evidence_upload, name="evidence_upload"),
    path(
        "actions/<int:pk>/evidence/<int:evidence_pk>/",
        actions.evidence_download,
        name="evidence_download",
    ),
    path("kpis/", kpis.kpi_dashboard, name="kpis"),
    path("kpis/<str:table>.csv", kpis.kpi_export, name="kpi_export"),
    path("reports/", kpis.reports, name="reports"),
]
