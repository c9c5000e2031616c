from django.urls import path

from . import views

app_name = "accounts_registry"

urlpatterns = [
    path("", views.public_accounts, name="public"),
    path("register/", views.register, name="register"),
    path("register/<int:pk>/", views.account_detail, name="account-detail"),
    path("register/<int:pk>/custodians/", views.custodians_change, name="custodians-change"),
    path("register/<int:pk>/rotations/<int:rotation_pk>/", views.rotation_record, name="rotation-record"),
    path("register/<int:pk>/review/", views.review_record, name="review-record"),
    path("register/<int:pk>/appointment/", views.appointment_make, name="appointment-make"),
    path("register/<int:pk>/advice/", views.advice_ask, name="advice-ask"),
    path("register/<int:pk>/advice/<int:advice_pk>/", views.advice_answer, name="advice-answer"),
    path("advice/", views.advice_list, name="advice-list"),
    path("advice/<int:advice_pk>/answer/", views.advice_reply, name="advice-reply"),
    path("moderation/", views.moderation_list, name="moderation-list"),
    path("moderation/new/", views.moderation_new, name="moderation-new"),
    path("moderation/new/people/<str:field>/", views.moderation_people, name="moderation-people"),
    path("post-check/", views.post_check, name="post-check"),
    path("post-check/children/", views.post_check_children, name="post-check-children"),
]
