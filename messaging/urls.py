from django.urls import path

from . import fixture_views, views

app_name = "messaging"

urlpatterns = [
    path("check", views.check, name="check"),
    path("", views.message_list, name="message-list"),
    path("new/", views.message_compose, name="message-compose"),
    path("approvals/", views.approval_queue, name="approval-queue"),
    path("approvals/status", views.approval_status, name="approval-status"),
    path("<int:pk>/", views.message_detail, name="message-detail"),
    path("<int:pk>/status", views.message_status, name="message-status"),
    path("<int:pk>/approve/", views.message_approve, name="message-approve"),
    path("<int:pk>/revise/", views.message_revise, name="message-revise"),
    path("<int:pk>/cancel/", views.message_cancel, name="message-cancel"),
    path("<int:pk>/return/", views.message_return, name="message-return"),
    path("deliveries/failed/", views.failed_deliveries, name="failed-deliveries"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery-retry"),
    path("inbound/sms", views.inbound_sms, name="inbound-sms"),
    path("inbound/email", views.inbound_email, name="inbound-email"),
    path("inbound/bounce", views.inbound_bounce, name="inbound-bounce"),
    path("replies/", views.reply_list, name="reply-list"),
    path("replies/<int:pk>/seen/", views.reply_seen, name="reply-seen"),
    path("teams/<int:pk>/fixtures/import/", fixture_views.fixtures_import, name="fixtures-import"),
]
