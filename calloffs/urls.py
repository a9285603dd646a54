from django.urls import path

from calloffs.views import alerts, commissioning, public, transparency

app_name = "calloffs"

urlpatterns = [
    # Public: the opportunity finder, each opportunity, and "Can I bid?"
    path("opportunities/", public.finder, name="finder"),
    path(
        "opportunities/competitions/<int:competition_pk>/",
        public.competition_detail,
        name="competition_detail",
    ),
    path(
        "opportunities/competitions/<int:competition_pk>/deadlines.ics",
        public.competition_ics,
        name="competition_ics",
    ),
    path("opportunities/notices/<int:notice_pk>/", public.notice_detail, name="notice_detail"),
    path("can-i-bid/", public.can_i_bid, name="can_i_bid"),
    # Transparency: statistics and open data (public)
    path("statistics/", transparency.statistics_page, name="statistics"),
    path("statistics/<slug:slug>.csv", transparency.statistics_csv, name="statistics_csv"),
    path("open-data/", transparency.open_data, name="open_data"),
    path("open-data/ocds/releases.json", transparency.ocds_releases, name="ocds_releases"),
    path(
        "open-data/ocds/competitions/<int:competition_pk>.json",
        transparency.ocds_competition,
        name="ocds_competition",
    ),
    # Commissioners (their own regions) and MoJ admins
    path("commissioning/", commissioning.home, name="commissioning"),
    path("commissioning/notices/new/", commissioning.notice_create, name="notice_create"),
    path("commissioning/notices/<int:notice_pk>/", commissioning.notice_manage, name="notice_manage"),
    path("commissioning/notices/<int:notice_pk>/edit/", commissioning.notice_edit, name="notice_edit"),
    path(
        "commissioning/notices/<int:notice_pk>/publish/", commissioning.notice_publish, name="notice_publish"
    ),
    path(
        "commissioning/notices/<int:notice_pk>/withdraw/",
        commissioning.notice_withdraw,
        name="notice_withdraw",
    ),
    path("commissioning/competitions/new/", commissioning.competition_create, name="competition_create"),
    path(
        "commissioning/competitions/<int:competition_pk>/",
        commissioning.competition_manage,
        name="competition_manage",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/edit/",
        commissioning.competition_edit,
        name="competition_edit",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/lots/new/", commissioning.lot_edit, name="lot_create"
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/lots/<int:lot_pk>/",
        commissioning.lot_edit,
        name="lot_edit",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/lots/<int:lot_pk>/remove/",
        commissioning.lot_remove,
        name="lot_remove",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/criteria/",
        commissioning.criteria_edit,
        name="criteria_edit",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/checklist/",
        commissioning.checklist_edit,
        name="checklist_edit",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/preview/",
        commissioning.competition_preview,
        name="competition_preview",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/publish/",
        commissioning.competition_publish,
        name="competition_publish",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/cancel/",
        commissioning.competition_cancel,
        name="competition_cancel",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/amend/",
        commissioning.competition_amend,
        name="competition_amend",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/outcome/",
        commissioning.competition_outcome,
        name="competition_outcome",
    ),
    # Documents of notices and competitions
    path("opportunities/documents/<int:document_pk>/", public.document_download, name="document_download"),
    path(
        "commissioning/competitions/<int:competition_pk>/documents/",
        commissioning.competition_documents,
        name="competition_documents",
    ),
    path(
        "commissioning/notices/<int:notice_pk>/documents/",
        commissioning.notice_documents,
        name="notice_documents",
    ),
    path(
        "commissioning/documents/<int:document_pk>/remove/",
        commissioning.document_remove,
        name="document_remove",
    ),
    # Opportunity alerts: each person's e-mail settings, and the signed unsubscribe link (no sign-in)
    path("opportunities/e-mail-settings/", alerts.alert_settings, name="alert_settings"),
    path("opportunities/unsubscribe/<str:unsubscribe_token>/", alerts.unsubscribe, name="alerts_unsubscribe"),
]
