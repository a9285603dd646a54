from django.urls import path

from suppliers.views import partners, providers, questionnaire, reuse, review

app_name = "suppliers"

urlpatterns = [
    # Partner finding: what partners an organisation is looking for (its admins)
    path("partners/", partners.partner_searches, name="partner_searches"),
    path("partners/<int:search_pk>/remove/", partners.partner_search_remove, name="partner_search_remove"),
    # An organisation's questionnaire (suppliers; MoJ admins may read and print)
    path("qualification/", questionnaire.qualification_status, name="qualification_status"),
    path("qualification/start/", questionnaire.application_start, name="application_start"),
    path("qualification/versions/", questionnaire.application_list, name="application_list"),
    path("qualification/<int:application_pk>/", questionnaire.application_detail, name="application_detail"),
    path(
        "qualification/<int:application_pk>/sections/<slug:section>/",
        questionnaire.section_edit,
        name="section_edit",
    ),
    path(
        "qualification/<int:application_pk>/categories/<int:choice_pk>/",
        questionnaire.category_edit,
        name="category_edit",
    ),
    path(
        "qualification/<int:application_pk>/categories/<int:choice_pk>/earlier-answers/<str:key>/",
        reuse.category_earlier_answers,
        name="category_earlier_answers",
    ),
    path(
        "qualification/<int:application_pk>/categories/<int:choice_pk>/remove/",
        questionnaire.category_remove,
        name="category_remove",
    ),
    path(
        "qualification/<int:application_pk>/categories/<int:choice_pk>/documents/",
        questionnaire.document_upload,
        name="document_upload",
    ),
    path(
        "qualification/documents/<int:document_pk>/",
        questionnaire.document_download,
        name="document_download",
    ),
    path(
        "qualification/documents/<int:document_pk>/remove/",
        questionnaire.document_remove,
        name="document_remove",
    ),
    path("qualification/<int:application_pk>/check/", questionnaire.check_answers, name="check_answers"),
    path("qualification/<int:application_pk>/submitted/", questionnaire.submitted, name="submitted"),
    path("qualification/<int:application_pk>/pdf/", questionnaire.application_pdf, name="application_pdf"),
    path(
        "qualification/<int:application_pk>/outcome-letter/",
        questionnaire.outcome_letter_pdf,
        name="outcome_letter_pdf",
    ),
    # MoJ admins' review
    path("review/", review.review_queue, name="review_queue"),
    path("review/cyber-certificates/", review.cyber_certificates, name="cyber_certificates"),
    path("review/<int:application_pk>/", review.review_detail, name="review_detail"),
    path(
        "review/<int:application_pk>/categories/<int:choice_pk>/",
        review.category_outcome,
        name="category_outcome",
    ),
    path("review/<int:application_pk>/exclusion/", review.exclusion_decision, name="exclusion_decision"),
    path("review/<int:application_pk>/decide/", review.application_decide, name="application_decide"),
    path("review/<int:application_pk>/extend-decision-date/", review.decision_extend, name="decision_extend"),
    # Public
    path("providers/", providers.provider_list, name="provider_list"),
    path("providers/download.csv", providers.provider_csv, name="provider_csv"),
    path("framework-agreement/", providers.agreement_current, name="agreement_current"),
    path("framework-agreement/<str:version>.pdf", providers.agreement_pdf, name="agreement_pdf"),
]
