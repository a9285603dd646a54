from django.urls import path

from grants.views import applications, assessment, public, registration, reuse, round_applications, rounds

app_name = "grants"

urlpatterns = [
    # Public
    path("", public.round_list, name="round_list"),
    path("start/", public.start, name="start"),
    path("create-an-account/", public.create_account, name="create_account"),
    path("sign-in/", public.sign_in, name="sign_in"),
    path("rounds/<int:round_pk>/", public.round_detail, name="round_detail"),
    path("awarded/", public.grants_awarded, name="grants_awarded"),
    # An organisation: registration and applications
    path("your-organisation/", registration.home, name="home"),
    path("registration/", registration.registration_edit, name="registration_edit"),
    path("registration/check/", registration.registration_check, name="registration_check"),
    path(
        "registrations/<int:registration_pk>/accounts/",
        registration.registration_accounts,
        name="registration_accounts",
    ),
    path("rounds/<int:round_pk>/apply/", applications.application_start, name="application_start"),
    path("applications/<int:application_pk>/", applications.application_detail, name="application_detail"),
    path(
        "applications/<int:application_pk>/eligibility/",
        applications.application_eligibility,
        name="application_eligibility",
    ),
    path(
        "applications/<int:application_pk>/answers/",
        applications.application_answers,
        name="application_answers",
    ),
    path("applications/<int:application_pk>/copy/", reuse.application_copy, name="application_copy"),
    path(
        "applications/<int:application_pk>/answers/<str:key>/earlier-answers/",
        reuse.application_earlier_answers,
        name="application_earlier_answers",
    ),
    path(
        "applications/<int:application_pk>/budget/",
        applications.application_budget,
        name="application_budget",
    ),
    path(
        "applications/<int:application_pk>/check/", applications.application_check, name="application_check"
    ),
    path(
        "applications/<int:application_pk>/sent/",
        applications.application_receipt,
        name="application_receipt",
    ),
    path("applications/<int:application_pk>/pdf/", applications.application_pdf, name="application_pdf"),
    path(
        "applications/<int:application_pk>/outcome/",
        assessment.application_outcome,
        name="application_outcome",
    ),
    path(
        "applications/<int:application_pk>/outcome/letter/",
        assessment.outcome_letter_pdf,
        name="outcome_letter_pdf",
    ),
    # The MoJ grants team
    path("registrations/", registration.registration_queue, name="registration_queue"),
    path(
        "registrations/<int:registration_pk>/", registration.registration_review, name="registration_review"
    ),
    # Commissioners (their own regions) and MoJ admins
    path("commissioning/", rounds.commissioning, name="commissioning"),
    path("commissioning/new/", rounds.round_create, name="round_create"),
    path("commissioning/<int:round_pk>/", rounds.round_manage, name="round_manage"),
    path("commissioning/<int:round_pk>/edit/", rounds.round_edit, name="round_edit"),
    path("commissioning/<int:round_pk>/questions/new/", rounds.question_add, name="question_add"),
    path(
        "commissioning/<int:round_pk>/questions/<slug:key>/remove/",
        rounds.question_remove,
        name="question_remove",
    ),
    path("commissioning/<int:round_pk>/eligibility/new/", rounds.eligibility_add, name="eligibility_add"),
    path("commissioning/<int:round_pk>/criteria/", rounds.criteria_edit, name="criteria_edit"),
    path("commissioning/<int:round_pk>/preview/", rounds.round_preview, name="round_preview"),
    path("commissioning/<int:round_pk>/publish/", rounds.round_publish, name="round_publish"),
    path("commissioning/<int:round_pk>/amend/", rounds.round_amend, name="round_amend"),
    path(
        "commissioning/<int:round_pk>/amend/questions/new/",
        rounds.amend_question,
        name="amend_question_add",
    ),
    path(
        "commissioning/<int:round_pk>/amend/questions/<slug:key>/",
        rounds.amend_question,
        name="amend_question_change",
    ),
    path(
        "commissioning/<int:round_pk>/amend/questions/<slug:key>/remove/",
        rounds.amend_question_remove,
        name="amend_question_remove",
    ),
    path("commissioning/<int:round_pk>/cancel/", rounds.round_cancel, name="round_cancel"),
    path(
        "commissioning/<int:round_pk>/applications/",
        round_applications.round_applications,
        name="round_applications",
    ),
    path(
        "commissioning/<int:round_pk>/applications/<int:application_pk>/",
        round_applications.round_application,
        name="round_application",
    ),
    path("commissioning/<int:round_pk>/assessment/", assessment.assessment_overview, name="assessment"),
    path(
        "commissioning/<int:round_pk>/assessment/declare/",
        assessment.assessment_declare,
        name="assessment_declare",
    ),
    path(
        "commissioning/<int:round_pk>/assessment/<int:application_pk>/score/",
        assessment.assessment_score,
        name="assessment_score",
    ),
    path(
        "commissioning/<int:round_pk>/assessment/<int:application_pk>/moderate/",
        assessment.assessment_moderate,
        name="assessment_moderate",
    ),
    path(
        "commissioning/<int:round_pk>/assessment/<int:application_pk>/decide/",
        assessment.assessment_decide,
        name="assessment_decide",
    ),
]
