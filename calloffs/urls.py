from django.urls import path

from calloffs.views import (
    alerts,
    awards,
    clarifications,
    commissioning,
    evaluation,
    integrity,
    public,
    reuse,
    supply_chain,
    tenders,
    transparency,
)

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
    # Integrity checks: red flags (MoJ admins; a competition's commissioners once it is decided)
    path("integrity/", integrity.integrity_checks, name="integrity_checks"),
    path(
        "integrity/competitions/<int:competition_pk>/",
        integrity.integrity_competition,
        name="integrity_competition",
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
    # Deciding each lot after opening, and the bidders' outcome letters
    path(
        "commissioning/competitions/<int:competition_pk>/lots/<int:lot_pk>/award/",
        awards.lot_award,
        name="lot_award",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/lots/<int:lot_pk>/award/no-suitable-bidder/",
        awards.lot_no_suitable_bidder,
        name="lot_no_suitable_bidder",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/lots/<int:lot_pk>/award/withdraw/",
        awards.award_withdraw,
        name="award_withdraw",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/lots/<int:lot_pk>/award/contract/",
        awards.contract_record,
        name="contract_record",
    ),
    path(
        "tenders/<int:tender_pk>/letters/<int:letter_pk>.pdf",
        awards.outcome_letter_pdf,
        name="outcome_letter_pdf",
    ),
    # Opening and evaluating the tenders, after the deadline (sealed before: calloffs.sealed)
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/", evaluation.overview, name="evaluation"
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/open/",
        evaluation.tenders_open,
        name="tenders_open",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/evaluators/",
        evaluation.evaluators,
        name="evaluators",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/evaluators/<int:evaluator_pk>/remove/",
        evaluation.evaluator_remove,
        name="evaluator_remove",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/declarations/",
        evaluation.declarations,
        name="declarations",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/tenders/<int:tender_pk>/",
        evaluation.tender_detail,
        name="evaluation_tender",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/tenders/<int:tender_pk>/files/<int:file_pk>/",
        evaluation.tender_file,
        name="evaluation_tender_file",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/tenders/<int:tender_pk>/scores/",
        evaluation.scores,
        name="scores",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/tenders/<int:tender_pk>/moderation/",
        evaluation.moderation,
        name="moderation",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/tenders/<int:tender_pk>/non-compliant/",
        evaluation.non_compliant,
        name="non_compliant",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/evaluation/lots/<int:lot_pk>/ranking/",
        evaluation.ranking,
        name="ranking",
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
    # Clarification questions: suppliers ask; the commissioner answers and publishes to every bidder
    path(
        "opportunities/competitions/<int:competition_pk>/ask-a-question/",
        clarifications.question_ask,
        name="question_ask",
    ),
    path(
        "commissioning/competitions/<int:competition_pk>/questions/",
        clarifications.clarification_list,
        name="clarification_list",
    ),
    path(
        "commissioning/questions/<int:question_pk>/answer/",
        clarifications.clarification_answer,
        name="clarification_answer",
    ),
    # A bidder confirms its submitted tender after an amendment
    path("tenders/<int:tender_pk>/reconfirm/", clarifications.tender_reconfirm, name="tender_reconfirm"),
    # Opportunity alerts: each person's e-mail settings, and the signed unsubscribe link (no sign-in)
    path("opportunities/e-mail-settings/", alerts.alert_settings, name="alert_settings"),
    path("opportunities/unsubscribe/<str:unsubscribe_token>/", alerts.unsubscribe, name="alerts_unsubscribe"),
    # Tenders: each supplier organisation's own, sealed from everyone else (calloffs.sealed.own_tenders)
    path("contracts/", supply_chain.contract_list, name="supplier_contracts"),
    path("contracts/<int:contract_pk>/", supply_chain.contract_detail, name="supplier_contract"),
    path("contracts/<int:contract_pk>/change/", supply_chain.change_request, name="subcontractor_change"),
    path(
        "contracts/<int:contract_pk>/reports/<int:report_pk>/",
        supply_chain.report_fill,
        name="supply_chain_report",
    ),
    path("commissioning/contracts/<int:contract_pk>/", supply_chain.contract_manage, name="contract_manage"),
    path(
        "commissioning/contracts/<int:contract_pk>/changes/<int:change_pk>/",
        supply_chain.change_decide,
        name="subcontractor_change_decide",
    ),
    path(
        "commissioning/contracts/<int:contract_pk>/reports/<int:report_pk>/",
        supply_chain.report_read,
        name="supply_chain_report_read",
    ),
    path("tenders/", tenders.tender_list, name="tender_list"),
    path("tenders/start/<int:lot_pk>/", tenders.tender_start, name="tender_start"),
    path("tenders/<int:tender_pk>/", tenders.tender_detail, name="tender_detail"),
    path(
        "tenders/<int:tender_pk>/responses/<int:criterion_pk>/",
        tenders.tender_response,
        name="tender_response",
    ),
    path(
        "tenders/<int:tender_pk>/responses/<int:criterion_pk>/earlier-answers/",
        reuse.tender_earlier_answers,
        name="tender_earlier_answers",
    ),
    path("tenders/<int:tender_pk>/copy/", reuse.tender_copy, name="tender_copy"),
    path("tenders/<int:tender_pk>/documents/<int:item_pk>/", tenders.tender_document, name="tender_document"),
    path(
        "tenders/<int:tender_pk>/files/<int:file_pk>/",
        tenders.tender_file_download,
        name="tender_file_download",
    ),
    path(
        "tenders/<int:tender_pk>/files/<int:file_pk>/remove/",
        tenders.tender_file_remove,
        name="tender_file_remove",
    ),
    path("tenders/<int:tender_pk>/sign/<int:item_pk>/", tenders.tender_sign, name="tender_sign"),
    path("tenders/<int:tender_pk>/supply-chain/", tenders.tender_partners, name="tender_partners"),
    path("tenders/<int:tender_pk>/submitter/", tenders.tender_submitter, name="tender_submitter"),
    path("tenders/<int:tender_pk>/check/", tenders.tender_check, name="tender_check"),
    path("tenders/<int:tender_pk>/submit/", tenders.tender_submit, name="tender_submit"),
    path("tenders/<int:tender_pk>/withdraw/", tenders.tender_withdraw, name="tender_withdraw"),
    path("tenders/<int:tender_pk>/receipt/<int:version>/", tenders.tender_receipt, name="tender_receipt"),
    path(
        "tenders/<int:tender_pk>/receipt/<int:version>/pdf/",
        tenders.tender_receipt_pdf,
        name="tender_receipt_pdf",
    ),
]
