from django.urls import path

from . import desk_views, hold_views, report_views, views

app_name = "incidents"

urlpatterns = [
    path("report/", report_views.report, name="report"),
    path("status/<str:token>/", report_views.report_status, name="report-status"),
    path("mine/", report_views.my_reports, name="my-reports"),
    path("counts/", desk_views.counts, name="counts"),
    path("from-reply/<int:pk>/", desk_views.from_reply, name="from-reply"),
    path("cases/", desk_views.queue, name="queue"),
    path("people/find/", desk_views.person_search, name="person-search"),
    path("people/<int:pk>/", desk_views.person_record, name="person-record"),
    path("cases/<str:reference>/", views.case_detail, name="case-detail"),
    path("cases/<str:reference>/seen/", views.case_seen, name="case-seen"),
    path("cases/<str:reference>/status/", views.case_status, name="case-status"),
    path("cases/<str:reference>/triage/", views.case_triage, name="case-triage"),
    path("cases/<str:reference>/entries/", views.case_entry_add, name="case-entry-add"),
    path("cases/<str:reference>/evidence/", views.evidence_add, name="evidence-add"),
    path("cases/<str:reference>/evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("cases/<str:reference>/people/", views.subject_link, name="subject-link"),
    path("cases/<str:reference>/people/<int:pk>/remove/", views.subject_unlink, name="subject-unlink"),
    path("cases/<str:reference>/access/", views.access_grant, name="access-grant"),
    path("cases/<str:reference>/access/<int:user_id>/revoke/", views.access_revoke, name="access-revoke"),
    path("cases/<str:reference>/reads/", views.case_reads, name="case-reads"),
    path("cases/<str:reference>/export/", views.case_export, name="case-export"),
    path("cases/<str:reference>/holds/", hold_views.case_hold_add, name="case-hold-add"),
    path("cases/<str:reference>/holds/lift/", hold_views.case_hold_remove, name="case-hold-remove"),
]
