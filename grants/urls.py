from django.urls import path

from grants import views, views_assessment

app_name = "grants"

urlpatterns = [
    # Public
    path("", views.round_list, name="round_list"),
    path("start/", views.start, name="start"),
    path("create-an-account/", views.create_account, name="create_account"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("rounds/<int:round_pk>/", views.round_detail, name="round_detail"),
    path("awarded/", views.grants_awarded, name="grants_awarded"),
    # An organisation: registration and applications
    path("your-organisation/", views.home, name="home"),
    path("registration/", views.registration_edit, name="registration_edit"),
    path("registration/check/", views.registration_check, name="registration_check"),
    path(
        "registrations/<int:registration_pk>/accounts/",
        views.registration_accounts,
        name="registration_accounts",
    ),
    path("rounds/<int:round_pk>/apply/", views.application_start, name="application_start"),
    path("applications/<int:application_pk>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:application_pk>/eligibility/",
        views.application_eligibility,
        name="application_eligibility",
    ),
    path("applications/<int:application_pk>/answers/", views.application_answers, name="application_answers"),
    path("applications/<int:application_pk>/budget/", views.application_budget, name="application_budget"),
    path("applications/<int:application_pk>/check/", views.application_check, name="application_check"),
    path("applications/<int:application_pk>/sent/", views.application_receipt, name="application_receipt"),
    path("applications/<int:application_pk>/pdf/", views.application_pdf, name="application_pdf"),
    path(
        "applications/<int:application_pk>/outcome/",
        views_assessment.application_outcome,
        name="application_outcome",
    ),
    path(
        "applications/<int:application_pk>/outcome/letter/",
        views_assessment.outcome_letter_pdf,
        name="outcome_letter_pdf",
    ),
    # The MoJ grants team
    path("registrations/", views.registration_queue, name="registration_queue"),
    path("registrations/<int:registration_pk>/", views.registration_review, name="registration_review"),
    # Commissioners (their own regions) and MoJ admins
    path("commissioning/", views.commissioning, name="commissioning"),
    path("commissioning/new/", views.round_create, name="round_create"),
    path("commissioning/<int:round_pk>/", views.round_manage, name="round_manage"),
    path("commissioning/<int:round_pk>/edit/", views.round_edit, name="round_edit"),
    path("commissioning/<int:round_pk>/questions/new/", views.question_add, name="question_add"),
    path(
        "commissioning/<int:round_pk>/questions/<slug:key>/remove/",
        views.question_remove,
        name="question_remove",
    ),
    path("commissioning/<int:round_pk>/eligibility/new/", views.eligibility_add, name="eligibility_add"),
    path("commissioning/<int:round_pk>/criteria/", views.criteria_edit, name="criteria_edit"),
    path("commissioning/<int:round_pk>/preview/", views.round_preview, name="round_preview"),
    path("commissioning/<int:round_pk>/publish/", views.round_publish, name="round_publish"),
    path("commissioning/<int:round_pk>/amend/", views.round_amend, name="round_amend"),
    path(
        "commissioning/<int:round_pk>/amend/questions/new/",
        views.amend_question,
        name="amend_question_add",
    ),
    path(
        "commissioning/<int:round_pk>/amend/questions/<slug:key>/",
        views.amend_question,
        name="amend_question_change",
    ),
    path(
        "commissioning/<int:round_pk>/amend/questions/<slug:key>/remove/",
        views.amend_question_remove,
        name="amend_question_remove",
    ),
    path("commissioning/<int:round_pk>/cancel/", views.round_cancel, name="round_cancel"),
    path("commissioning/<int:round_pk>/applications/", views.round_applications, name="round_applications"),
    path(
        "commissioning/<int:round_pk>/applications/<int:application_pk>/",
        views.round_application,
        name="round_application",
    ),
    path("commissioning/<int:round_pk>/assessment/", views_assessment.assessment_overview, name="assessment"),
    path(
        "commissioning/<int:round_pk>/assessment/declare/",
        views_assessment.assessment_declare,
        name="assessment_declare",
    ),
    path(
        "commissioning/<int:round_pk>/assessment/<int:application_pk>/score/",
        views_assessment.assessment_score,
        name="assessment_score",
    ),
    path(
        "commissioning/<int:round_pk>/assessment/<int:application_pk>/moderate/",
        views_assessment.assessment_moderate,
        name="assessment_moderate",
    ),
    path(
        "commissioning/<int:round_pk>/assessment/<int:application_pk>/decide/",
        views_assessment.assessment_decide,
        name="assessment_decide",
    ),
]
