from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import financial_profile_views, session_views, views

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's way to guard it
admin.site.site_header = "Probation Services Dynamic Framework: administration"
admin.site.site_title = "Framework administration"


portal_patterns = [
    path("", views.home, name="home"),
    path("how-qualification-works/", views.how_qualification_works, name="how_qualification_works"),
    path("glossary/", views.glossary, name="glossary"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("privacy/", views.privacy, name="privacy"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:organisation_pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:organisation_pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:organisation_pk>/accounts/",
        financial_profile_views.financial_profile_edit,
        name="financial_profile_edit",
    ),
    path(
        "organisations/<int:organisation_pk>/accounts/file/",
        financial_profile_views.financial_profile_accounts,
        name="financial_profile_accounts",
    ),
    path("organisations/<int:organisation_pk>/invite/", views.member_invite, name="member_invite"),
    path(
        "organisations/<int:organisation_pk>/members/<int:membership_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "organisations/<int:organisation_pk>/invitations/<int:invitation_pk>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:message_pk>/", views.message_detail, name="message_detail"),
    path("audit-log/", views.audit_log, name="audit_log"),
    path("failed-emails/", views.failed_deliveries, name="failed_deliveries"),
    path("failed-emails/<int:delivery_pk>/retry/", views.delivery_retry, name="delivery_retry"),
    path("session/", session_views.session_status, name="session_status"),
    path("session/extend/", session_views.session_extend, name="session_extend"),
    path("session/signed-out/", session_views.signed_out, name="signed_out"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("", include("suppliers.urls")),
    path("", include("calloffs.urls")),
    path("grants/", include("grants.urls")),
    path("open-data/360giving/", include("grants.urls_open_data")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = views.error_403
handler404 = views.error_404
handler500 = views.error_500
