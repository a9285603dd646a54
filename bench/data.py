"""The data the benchmark needs, built at scale in its own throwaway database.

- `providers`: qualified providers in a few bulk inserts, as a decision would leave them;
- `people`: a supplier with a draft questionnaire of all 14 categories, a tender being written, a grant
  application being written and a full inbox, and an MoJ admin (with an authenticator app) with a review
  queue of sent questionnaires; built through the services and the test factories, as the test suite
  builds them;
- `evaluation_in_progress`: a competition with tenders opened, declared about and moderated, and its
  commissioner (the evaluation overview);
- `competitions`: live call-off competitions (1 to 3 lots each, some over the financial threshold) and
  published market warming notices, in bulk, as publishing would leave them, for the opportunity finder;
- `longest_questionnaire`: a sent version with all 14 categories, every discretionary exclusion ground
  answered yes, and every long answer near its 500-word limit (over 100 pages as PDF);
- `tenders_to_evaluate`: a competition past its deadline with many submitted tenders from eligible
  organisations, each with its files and responses, in bulk, as submission would leave them (not opened);
- `moderated`: every opened tender scored and moderated, in bulk, as evaluation would leave them;
- `long_receipt`: a submitted version whose quality responses run to about 50 pages of receipt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

TEXT = (
    "we support people on probation with housing advice mentoring and training delivered by trained "
    "staff and volunteers who know the local area and work closely with probation practitioners"
)
WORDS = TEXT.split()
UNUSABLE = "!"  # Django's mark of a password that can never be used to sign in


def long_text(words: int, seed: int) -> str:
    rng = random.Random(seed)  # noqa: S311 - sample text, not security
    sentences, count = [], 0
    while count < words:
        length = min(rng.randint(8, 20), words - count)
        sentence = " ".join(rng.choice(WORDS) for _ in range(length))
        sentences.append(sentence.capitalize() + ".")
        count += length
    return " ".join(sentences)


def providers(count: int) -> None:
    """`count` qualified providers, each with a decided application, 1 to 4 categories and 1 to 3 regions
    (every tenth one national)."""
    from portal.models import Organisation, Region, ServiceCategory, User
    from suppliers.models import Application, OrganisationRegion, Qualification

    rng = random.Random(2026)  # noqa: S311 - sample data, not security
    categories = list(ServiceCategory.objects.all())
    regions = list(Region.objects.all())
    sizes = list(Organisation.SizeBand.values)
    now = timezone.now()
    author = User.objects.create_user("bench@example.org", full_name="Bench Mark")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            legal_name=f"{rng.choice(['North', 'New', 'Second', 'Open', 'Bright'])} Futures {number:05d}",
            trading_name=f"Futures {number}" if number % 3 == 0 else "",
            legal_form=Organisation.LegalForm.CIO,
            is_vcse=number % 2 == 0,
            size_band=rng.choice(sizes),
            address_line_1="1 High Street",
            town="Leeds",
            postcode="LS1 1AA",
            contact_name="Sam Patel",
            contact_email=f"contact{number}@example.org",
            contact_phone="0113 496 0000",
            show_contact_publicly=number % 4 != 0,
        )
        for number in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            organisation=organisation,
            number=1,
            status=Application.Status.DECIDED,
            outcome=Application.Outcome.SUCCESSFUL,
            created_by=author,
            submitted_by=author,
            submitted_at=now,
            decided_by=author,
            decided_at=now,
        )
        for organisation in organisations
    )
    qualifications, chosen_regions = [], []
    for number, application in enumerate(applications):
        for category in rng.sample(categories, rng.randint(1, 4)):
            qualifications.append(
                Qualification(
                    organisation_id=application.organisation_id, category=category, granted_by=application
                )
            )
        for region in regions if number % 10 == 0 else rng.sample(regions, rng.randint(1, 3)):
            chosen_regions.append(
                OrganisationRegion(
                    organisation_id=application.organisation_id, region=region, recorded_by=application
                )
            )
    Qualification.objects.bulk_create(qualifications, batch_size=2_000)
    OrganisationRegion.objects.bulk_create(chosen_regions, batch_size=2_000)


@dataclass
class People:
    supplier: object
    draft: object
    admin: object
    tender: object
    grant_application: object


def people(*, messages: int = 30, waiting: int = 20) -> People:
    """A supplier (admin of its organisation) with a draft of every category, a tender and a grant
    application being written, and `messages` messages; an MoJ admin with an authenticator app and
    `waiting` questionnaires in the review queue."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.test import override_settings

    from grants.services import applications as grant_applications
    from portal.models import ServiceCategory
    from portal.services import message_send
    from tests.calloffs.factories import live_competition
    from tests.calloffs.tender_factories import started_tender
    from tests.factories import AdminFactory, CommissionerFactory, MembershipFactory, region
    from tests.grants.factories import open_round, registered
    from tests.suppliers.factories import complete_application, submitted_application

    member = MembershipFactory(is_admin=True, organisation__legal_name="Bench Supplies CIC")
    codes = tuple(ServiceCategory.objects.order_by("number").values_list("code", flat=True))
    draft = complete_application(member.organisation, member.user, categories=codes)
    for number in range(messages):  # a real kind of message, one per source (message_send sends each once)
        certificate = SimpleNamespace(
            expiry_date=timezone.localdate() + timedelta(days=30 + number),
            certificate_number=f"CE-{number:05d}",
        )
        message_send(
            kind="cyber_reminder",
            source=f"bench:message:{number}",
            context={"certificate": certificate, "level": "Cyber Essentials"},
            organisation=member.organisation,
        )
    for _ in range(waiting):
        other = MembershipFactory(is_admin=True)
        submitted_application(other.organisation, other.user, categories=("accommodation", "women"))
    admin = AdminFactory()
    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")
    commissioner = CommissionerFactory(regions=[region("north-east")])
    competition = live_competition(commissioner, title="Bench accommodation services")
    tender = started_tender(competition.lots.get(), member.organisation, member.user)
    with override_settings(VIRUS_SCAN=False):  # no scanner beside the bench: the accounts are our own PDF
        registered(member.user, admin)
    grant_round = open_round(commissioner)
    grant_application = grant_applications.application_start(user=member.user, grant_round=grant_round)
    grant_applications.application_eligibility_answer(
        user=member.user,
        application=grant_application,
        answers={question["key"]: True for question in grant_round.eligibility_questions},
    )
    return People(
        supplier=member.user, draft=draft, admin=admin, tender=tender, grant_application=grant_application
    )


def evaluation_in_progress(count: int):
    """A competition past its deadline with `count` tenders, opened, declared about and moderated by its
    commissioner, who is returned with it."""
    from calloffs import sealed
    from calloffs.services import evaluation

    competition, commissioner = tenders_to_evaluate(count, files=1, name="evaluated")
    evaluation.tenders_open(competition=competition, user=commissioner)
    evaluator = evaluation.evaluator_name(competition=competition, user=commissioner, person=commissioner)
    opened = sealed.opened_tenders().filter(competition=competition).values_list("pk", flat=True)
    answers = [evaluation.DeclarationAnswer(pk, False) for pk in opened]
    evaluation.declarations_sign(competition=competition, user=commissioner, answers=answers)
    moderated(competition, evaluator)
    return competition, commissioner


def longest_questionnaire():
    """A sent version with all 14 categories, every long answer near the 500-word limit."""
    from portal.models import ServiceCategory
    from suppliers import services
    from suppliers.sections import DISCRETIONARY_GROUNDS
    from tests.factories import MembershipFactory
    from tests.suppliers.factories import complete_application, exclusion_answers

    member = MembershipFactory(is_admin=True, organisation__legal_name="Longest Answers Trust")
    codes = tuple(ServiceCategory.objects.order_by("number").values_list("code", flat=True))
    exclusion = exclusion_answers()
    for number, ground in enumerate(DISCRETIONARY_GROUNDS):  # each answered yes, with long explanations
        exclusion[ground] = "yes"
        exclusion[f"{ground}_details"] = long_text(490, 300 + number)
        exclusion[f"{ground}_self_cleaning"] = long_text(490, 400 + number)
    application = complete_application(
        member.organisation, member.user, categories=codes, exclusion=exclusion
    )
    for number, choice in enumerate(application.category_choices.all()):
        choice.descriptor = long_text(490, number)
        choice.case_studies = [
            {**study, "what_was_done": long_text(490, 100 + number), "outcome": long_text(490, 200 + number)}
            for study in choice.case_studies
        ]
        choice.save(update_fields=["descriptor", "case_studies"])
    return services.application_submit(application=application, user=member.user)


def competitions(count: int, *, notices: int = 50) -> None:
    """`count` live competitions, each with 1 to 3 lots (every fifth lot over the financial threshold,
    with a minimum turnover) in 1 to 2 regions, closing over the next 30 to 120 days; and `notices`
    published market warming notices."""
    from calloffs.models import Competition, Lot, MarketWarmingNotice
    from portal.models import Region, ServiceCategory, User

    rng = random.Random(9)  # noqa: S311 - sample data, not security
    categories = list(ServiceCategory.objects.all())
    regions = list(Region.objects.all())
    now = timezone.now()
    author = User.objects.create_user("bench-commissioner@justice.example", full_name="Bench Commissioner")
    built = Competition.objects.bulk_create(
        Competition(
            title=f"{rng.choice(['Accommodation', 'Mentoring', 'Education', 'Wellbeing'])} services {number}",
            summary=long_text(60, number),
            contact_name="Bench Commissioner",
            contact_email="bench-commissioner@justice.example",
            clarification_deadline=now + timedelta(days=20 + number % 10),
            submission_deadline=now + timedelta(days=30 + number % 90, hours=number % 24),
            expected_award_date=(now + timedelta(days=150)).date(),
            status=Competition.Status.LIVE,
            created_by=author,
            published_at=now - timedelta(days=number % 20),
            published_by=author,
        )
        for number in range(count)
    )
    lots, competition_regions, lot_regions = [], [], []
    for competition in built:
        chosen = rng.sample(regions, rng.randint(1, 2))
        competition_regions += [
            Competition.regions.through(competition_id=competition.pk, region_id=region.pk)
            for region in chosen
        ]
        for number in range(1, rng.randint(1, 3) + 1):
            yearly = [rng.randrange(100_000_00, 2_500_000_00, 1_000_00) for _ in range(3)]
            annual = sum(yearly) // 3
            lots.append(
                Lot(
                    competition=competition,
                    number=number,
                    title=f"Lot {number}",
                    category=rng.choice(categories),
                    yearly_values_pence=yearly,
                    total_value_pence=sum(yearly),
                    annual_value_pence=annual,
                    contract_years=3,
                    extension_years=1,
                    people_per_year=rng.randint(20, 400),
                    contract_start=(now + timedelta(days=200)).date(),
                    minimum_turnover_pence=annual if annual > 1_000_000_00 and number % 2 else None,
                )
            )
    Lot.objects.bulk_create(lots, batch_size=2_000)
    regions_of = {}
    for row in competition_regions:
        regions_of.setdefault(row.competition_id, []).append(row.region_id)
    for lot in lots:
        lot_regions.append(Lot.regions.through(lot_id=lot.pk, region_id=regions_of[lot.competition_id][0]))
    Competition.regions.through.objects.bulk_create(competition_regions, batch_size=2_000)
    Lot.regions.through.objects.bulk_create(lot_regions, batch_size=2_000)
    today = timezone.localdate()
    built_notices = MarketWarmingNotice.objects.bulk_create(
        MarketWarmingNotice(
            title=f"Future services {number}",
            summary=long_text(40, number),
            invitation_date=today + timedelta(days=60),
            expected_deadline=today + timedelta(days=100),
            contract_start=today + timedelta(days=200),
            value_low_pence=500_000_00,
            value_high_pence=1_500_000_00,
            status=MarketWarmingNotice.Status.PUBLISHED,
            created_by=author,
            published_at=now - timedelta(days=number % 30),
        )
        for number in range(notices)
    )
    MarketWarmingNotice.categories.through.objects.bulk_create(
        MarketWarmingNotice.categories.through(
            marketwarmingnotice_id=notice.pk, servicecategory_id=category.pk
        )
        for notice in built_notices
        for category in rng.sample(categories, 2)
    )
    MarketWarmingNotice.regions.through.objects.bulk_create(
        MarketWarmingNotice.regions.through(marketwarmingnotice_id=notice.pk, region_id=region.pk)
        for notice in built_notices
        for region in rng.sample(regions, 2)
    )


def alert_audience(
    count: int, *, category: str = "accommodation", region: str = "north-east", name: str = "alerted"
) -> None:
    """`count` organisations eligible for a lot in `category` and `region` (qualified, with a standing:
    turnover, Cyber Essentials Plus valid for months, no exclusion), each with one member, in bulk;
    `name` tells one audience's organisations and people from another's."""
    from portal.models import Membership, Organisation, Region, ServiceCategory, User
    from suppliers.models import Application, OrganisationRegion, OrganisationStanding, Qualification
    from suppliers.standing import cyber_rank

    now = timezone.now()
    chosen_category = ServiceCategory.objects.get(code=category)
    chosen_region = Region.objects.get(code=region)
    author = User.objects.create_user(f"bench-{name}@example.org", full_name=f"Bench {name}")
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                legal_name=f"{name.capitalize()} Futures {number:05d}",
                legal_form=Organisation.LegalForm.CIO,
                is_vcse=True,
                size_band=Organisation.SizeBand.values[0],
                address_line_1="1 High Street",
                town="Durham",
                postcode="DH1 1AA",
                contact_name="Sam Patel",
                contact_email=f"{name}{number}@example.org",
                contact_phone="0191 496 0000",
            )
            for number in range(count)
        ),
        batch_size=2_000,
    )
    users = User.objects.bulk_create(
        (
            User(email=f"member{number}@{name}.example.org", full_name=f"Member {number}", password=UNUSABLE)
            for number in range(count)
        ),
        batch_size=2_000,
    )
    Membership.objects.bulk_create(
        (
            Membership(user=user, organisation=organisation, is_admin=True)
            for user, organisation in zip(users, organisations, strict=True)
        ),
        batch_size=2_000,
    )
    applications = Application.objects.bulk_create(
        (
            Application(
                organisation=organisation,
                number=1,
                status=Application.Status.DECIDED,
                outcome=Application.Outcome.SUCCESSFUL,
                created_by=author,
                submitted_by=author,
                submitted_at=now,
                decided_by=author,
                decided_at=now,
            )
            for organisation in organisations
        ),
        batch_size=2_000,
    )
    Qualification.objects.bulk_create(
        (
            Qualification(organisation_id=a.organisation_id, category=chosen_category, granted_by=a)
            for a in applications
        ),
        batch_size=2_000,
    )
    OrganisationRegion.objects.bulk_create(
        (
            OrganisationRegion(organisation_id=a.organisation_id, region=chosen_region, recorded_by=a)
            for a in applications
        ),
        batch_size=2_000,
    )
    OrganisationStanding.objects.bulk_create(
        (
            OrganisationStanding(
                organisation_id=a.organisation_id,
                application=a,
                decided_at=now,
                turnover=2_000_000,
                cyber_level="cyber_essentials_plus",
                cyber_rank=cyber_rank("cyber_essentials_plus"),
                cyber_expiry_date=timezone.localdate() + timedelta(days=365),
                exclusion_decision=Application.ExclusionDecision.NOT_NEEDED,
                is_vcse=True,
            )
            for a in applications
        ),
        batch_size=2_000,
    )


def alert_competition(title: str):
    """A competition ready to publish: one lot in accommodation, in the North East; and its
    commissioner."""
    from tests.calloffs.factories import publishable_competition
    from tests.factories import CommissionerFactory, region

    commissioner = CommissionerFactory(regions=[region("north-east")])
    return publishable_competition(commissioner, title=title), commissioner


def closed_with_tenders(tenders: int) -> None:
    """For the statistics (`--statistics`): every competition closed this financial year and opened, with
    `tenders` submitted tenders from the providers spread over their lots, each lot awarded to its first
    tender, and every other award's contract recorded."""
    from calloffs.models import Award, Competition, Contract, Lot, Tender, TenderVersion
    from portal.models import Organisation, User

    rng = random.Random(12)  # noqa: S311 - sample data, not security
    now = timezone.now()
    author = User.objects.get(email="bench-commissioner@justice.example")
    competitions = list(Competition.objects.order_by("pk"))
    for number, competition in enumerate(competitions):
        competition.submission_deadline = now - timedelta(days=1 + number % 150)
        competition.clarification_deadline = competition.submission_deadline - timedelta(days=10)
        competition.published_at = competition.submission_deadline - timedelta(days=28 + number % 30)
        competition.opened_at = competition.submission_deadline + timedelta(hours=2)
        competition.opened_by = author
        competition.status = Competition.Status.AWARDED if number % 2 else Competition.Status.LIVE
    Competition.objects.bulk_update(
        competitions,
        ["submission_deadline", "clarification_deadline", "published_at", "opened_at", "opened_by", "status"],
        batch_size=1_000,
    )
    lots = list(Lot.objects.select_related("competition").order_by("pk"))
    organisation_ids = list(Organisation.objects.values_list("pk", flat=True))
    pairs = set()
    while len(pairs) < tenders:
        pairs.add((rng.choice(lots).pk, rng.choice(organisation_ids)))
    lot_by_pk = {lot.pk: lot for lot in lots}
    built = Tender.objects.bulk_create(
        [
            Tender(
                competition_id=lot_by_pk[lot_pk].competition_id,
                lot_id=lot_pk,
                organisation_id=organisation_id,
                started_by=author,
            )
            for lot_pk, organisation_id in sorted(pairs)
        ],
        batch_size=2_000,
    )
    versions = TenderVersion.objects.bulk_create(
        [
            TenderVersion(
                tender=tender,
                number=1,
                receipt_number=f"BENCH-{tender.pk:07d}",
                submitted_by=author,
                submitted_at=lot_by_pk[tender.lot_id].competition.submission_deadline - timedelta(days=1),
                sha256="0" * 64,
                snapshot={},
            )
            for tender in built
        ],
        batch_size=2_000,
    )
    for tender, version in zip(built, versions, strict=True):
        tender.status, tender.current_version = Tender.Status.SUBMITTED, version
    Tender.objects.bulk_update(built, ["status", "current_version"], batch_size=2_000)
    first_tender = {}
    for tender in built:
        first_tender.setdefault(tender.lot_id, tender)
    awards = Award.objects.bulk_create(
        [
            Award(
                lot_id=lot_pk,
                outcome=Award.Outcome.AWARDED,
                tender=tender,
                decided_by=author,
                decided_at=lot_by_pk[lot_pk].competition.submission_deadline
                + timedelta(days=5 + lot_pk % 40),
                standstill_ends_at=lot_by_pk[lot_pk].competition.submission_deadline + timedelta(days=60),
            )
            for lot_pk, tender in first_tender.items()
        ],
        batch_size=2_000,
    )
    Contract.objects.bulk_create(
        [
            Contract(
                award=award,
                organisation_id=award.tender.organisation_id,
                value_pence=lot_by_pk[award.lot_id].total_value_pence,
                start_date=lot_by_pk[award.lot_id].contract_start,
                end_date=lot_by_pk[award.lot_id].contract_start + timedelta(days=3 * 365),
                recorded_by=author,
            )
            for award in awards[::2]
        ],
        batch_size=2_000,
    )


def tenders_to_evaluate(count: int, *, files: int = 5, name: str = "bidding"):
    """A competition published 40 days ago whose deadline passed yesterday (one lot in accommodation, in
    the North East), with `count` submitted tenders from eligible organisations, each with `files`
    small PDFs (one stored file, named by every row) and a response to each typed criterion; and its
    commissioner."""
    import hashlib

    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from calloffs import rules
    from calloffs.models import Tender, TenderFile, TenderResponse, TenderVersion
    from calloffs.services import competitions
    from portal.models import Membership
    from tests.calloffs.factories import publishable_competition
    from tests.calloffs.tender_factories import past_deadline
    from tests.factories import CommissionerFactory, region
    from tests.suppliers.factories import PDF_BYTES

    alert_audience(count, name=name)
    commissioner = CommissionerFactory(regions=[region("north-east")])
    TOTP.activate(commissioner, "JBSWY3DPEHPK3PXP")  # staff sign in with an authenticator app
    competition = publishable_competition(
        commissioner, title=f"Bench evaluation ({name})", minimum_cyber_level="cyber_essentials"
    )
    standard = [
        competitions.ChecklistEntry(item.name, item.kind, True, item.code)
        for item in rules.STANDARD_CHECKLIST
    ]
    extra = [
        competitions.ChecklistEntry(f"Supporting document {number}", "template_document", True)
        for number in range(1, files + 1)
    ]
    competitions.checklist_save(competition=competition, user=commissioner, items=standard + extra)
    submitted_at = timezone.now() - timedelta(days=3)
    competitions.competition_publish(
        competition=competition, user=commissioner, now=submitted_at - timedelta(days=37)
    )
    lot = competition.lots.get()
    members = Membership.objects.filter(
        organisation__legal_name__startswith=f"{name.capitalize()} Futures"
    ).select_related("user", "organisation")
    tenders = Tender.objects.bulk_create(
        Tender(
            competition=competition,
            lot=lot,
            organisation=member.organisation,
            started_by=member.user,
            submitter=member.user,
            updated_at=submitted_at,
        )
        for member in members
    )
    stored = default_storage.save("bench/tender-file.pdf", ContentFile(PDF_BYTES))
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    documents = list(competition.checklist.filter(kind="template_document"))[:files]
    criteria = list(competition.criteria.all())
    tender_files, responses, versions = [], [], []
    for number, tender in enumerate(tenders):
        for item in documents:
            tender_files.append(
                TenderFile(
                    tender=tender,
                    checklist_item=item,
                    file=stored,
                    original_name=f"{item.name[:60]}.pdf",
                    content_type="application/pdf",
                    size=len(PDF_BYTES),
                    sha256=sha256,
                    uploaded_by=tender.started_by,
                    uploaded_at=submitted_at,
                )
            )
        texts = [long_text(200, number * 10 + position) for position in range(len(criteria))]
        responses += [
            TenderResponse(tender=tender, criterion=criterion, text=text, updated_by=tender.started_by)
            for criterion, text in zip(criteria, texts, strict=True)
        ]
        snapshot = {
            "competition": {"id": competition.pk, "title": competition.title},
            "lot": {"id": lot.pk, "number": lot.number, "title": lot.title},
            "organisation": {"id": tender.organisation_id, "legal_name": tender.organisation.legal_name},
            "responses": [
                {"criterion_id": c.pk, "criterion": c.name, "text": text}
                for c, text in zip(criteria, texts, strict=True)
            ],
            "files": [
                {
                    "checklist_item_id": item.pk,
                    "name": f"{item.name[:60]}.pdf",
                    "sha256": sha256,
                    "path": stored,
                }
                for item in documents
            ],
        }
        versions.append(
            TenderVersion(
                tender=tender,
                number=1,
                receipt_number=f"BENCH-{tender.pk}-1",
                submitted_by=tender.started_by,
                submitted_at=submitted_at,
                sha256=hashlib.sha256(repr(snapshot).encode()).hexdigest(),
                snapshot=snapshot,
            )
        )
    TenderFile.objects.bulk_create(tender_files, batch_size=2_000)
    TenderResponse.objects.bulk_create(responses, batch_size=2_000)
    for tender, version in zip(tenders, TenderVersion.objects.bulk_create(versions), strict=True):
        tender.status, tender.current_version = Tender.Status.SUBMITTED, version
    Tender.objects.bulk_update(tenders, ["status", "current_version"], batch_size=2_000)
    return past_deadline(competition), commissioner


def moderated(competition, evaluator) -> None:
    """Every opened tender scored by `evaluator` (an Evaluator who declared) and its scores agreed."""
    from calloffs import sealed
    from calloffs.models import ModeratedScore, Score

    rng = random.Random(10)  # noqa: S311 - sample scores, not security
    tenders = sealed.opened_tenders().filter(competition=competition)
    scores, agreed = [], []
    for tender in tenders:
        for criterion in competition.criteria.all():
            value = rng.randint(0, competition.score_max)
            scores.append(
                Score(
                    evaluator=evaluator, tender=tender, criterion=criterion, score=value, comment="Evidence"
                )
            )
            agreed.append(
                ModeratedScore(
                    tender=tender,
                    criterion=criterion,
                    score=value,
                    rationale="Agreed at the moderation meeting",
                    moderated_by=evaluator.user,
                )
            )
    Score.objects.bulk_create(scores, batch_size=2_000)
    ModeratedScore.objects.bulk_create(agreed, batch_size=2_000)


def long_receipt(tender, *, words: int):
    """A second, submitted version of `tender` whose quality responses hold `words` words in all."""
    from calloffs.models import TenderVersion

    version = tender.current_version
    criteria = [response["criterion"] for response in version.snapshot["responses"]] or ["Quality"]
    per_criterion = words // len(criteria)
    snapshot = {
        **version.snapshot,
        "version": 2,
        "submitted_at": version.submitted_at.isoformat(),
        "submitted_by": {"name": "Bench Mark"},
        "responses": [
            {"criterion": name, "text": long_text(per_criterion, seed)} for seed, name in enumerate(criteria)
        ],
    }
    return TenderVersion.objects.create(
        tender=tender,
        number=2,
        receipt_number=f"BENCH-{tender.pk}-2",
        submitted_by=version.submitted_by,
        submitted_at=version.submitted_at,
        sha256=version.sha256,
        snapshot=snapshot,
    )


def grants(*, open_rounds: int = 41, awarded: int = 500) -> None:
    """Grant rounds open now (for the public round list) and a decided round whose grants, one to each of
    `awarded` providers, fill the grants awarded page and the 360Giving files; in bulk."""
    from grants.models import Grant, GrantApplication, GrantRound
    from portal.models import Organisation, Region, User

    now = timezone.now()
    owner = User.objects.order_by("pk").first()
    regions = list(Region.objects.active())
    made = GrantRound.objects.bulk_create(
        GrantRound(
            title=f"Support for women on probation, round {n + 1}",
            purpose=long_text(80, n),
            total_budget_pence=500_000_00,
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=20 + n % 20),
            decision_date=(now + timedelta(days=60)).date(),
            status=GrantRound.Status.OPEN,
            published_at=now - timedelta(days=10),
            created_by=owner,
        )
        for n in range(open_rounds + 1)
    )
    for n, grant_round in enumerate(made):
        grant_round.regions.set([regions[n % len(regions)], regions[(n + 3) % len(regions)]])
    decided = made[-1]
    GrantRound.objects.filter(pk=decided.pk).update(
        status=GrantRound.Status.DECIDED,
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=90),
    )
    organisations = list(Organisation.objects.order_by("pk")[:awarded])
    applications = GrantApplication.objects.bulk_create(
        GrantApplication(
            grant_round=decided,
            organisation=organisation,
            status=GrantApplication.Status.SUBMITTED,
            eligibility_passed=True,
            started_by=owner,
            submitted_at=now - timedelta(days=91),
        )
        for organisation in organisations
    )
    Grant.objects.bulk_create(
        Grant(
            application=application,
            amount_pence=(20_000 + 500 * (n % 40)) * 100,
            region=regions[n % len(regions)],
            purpose="Mentoring for women leaving prison.",
            accepted_at=now - timedelta(days=40),
        )
        for n, application in enumerate(applications)
    )
