"""Demo data for `make run`: a market warming notice, a live competition with a lot open to organisations
of any size and one over the financial threshold, a closed competition waiting for its outcome, and a
competition past its deadline whose submitted tenders wait to be opened and evaluated by the demo
commissioner. Made through the same services as the pages, tenders included (each step dated before the
deadline with `now=`)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calloffs.models import ChecklistItem, Competition, Tender
from calloffs.rules import CriterionTerms
from calloffs.services import competitions, notices, tenders
from calloffs.tendering_rules import PartnerTerms
from portal.models import Region, ServiceCategory, User
from portal.pdf import pdf_render

TO_EVALUATE = "Resettlement accommodation in County Durham"
# Who bids for which lots of the competition to evaluate, and how well they write.
BIDDERS = {
    "priya@northern-lights.example": ("Priya Shah", "Chief executive", (1, 2)),
    "tom@second-chance.example": ("Tom Okafor", "Director", (1,)),
}

CRITERIA = [
    CriterionTerms(
        "Quality of the service", 50, "How you will find and keep homes for people leaving prison.", 750
    ),
    CriterionTerms("Social value", 10, "How you will work with local voluntary organisations.", 300),
    CriterionTerms("Price", 40, "The total price over the contract, from the financial model.", None),
]


def _ids(model, *codes: str) -> frozenset[int]:
    return frozenset(model.objects.filter(code__in=codes).values_list("pk", flat=True))


def _competition(
    commissioner: User,
    *,
    title: str,
    published,
    deadline_days: int,
    lots: list[dict],
    regions=("north-east", "north-west"),
):
    deadline = (published + timedelta(days=deadline_days)).replace(hour=12, minute=0, second=0, microsecond=0)
    competition = competitions.competition_save(
        user=commissioner,
        now=published,
        data=competitions.CompetitionData(
            title=title,
            region_ids=_ids(Region, *regions),
            summary=(
                "Support for people leaving prison to find and keep a safe home: finding tenancies, "
                "furnishing them and a named key worker for the first six months."
            ),
            contact_name="Demo Commissioner",
            contact_email="commissioner@justice.example",
            minimum_cyber_level="cyber_essentials",
            clarification_deadline=deadline - timedelta(days=10),
            submission_deadline=deadline,
            expected_award_date=(deadline + timedelta(days=30)).date(),
        ),
    )
    for lot in lots:
        competitions.lot_save(
            competition=competition,
            user=commissioner,
            data=competitions.LotData(
                category_id=ServiceCategory.objects.get(code="accommodation").pk,
                contract_years=len(lot["values"]),
                extension_years=1,
                contract_start=(deadline + timedelta(days=120)).date(),
                people_per_year=lot.get("people"),
                title=lot["title"],
                region_ids=_ids(Region, *lot["regions"]),
                yearly_values_pence=tuple(value * 100 for value in lot["values"]),
                minimum_turnover_pence=lot.get("turnover"),
            ),
        )
    competitions.criteria_save(competition=competition, user=commissioner, criteria=CRITERIA)
    return competitions.competition_publish(competition=competition, user=commissioner, now=published)


def load(commissioner: User) -> None:
    now = timezone.now()
    today = timezone.localdate()
    notice = notices.notice_save(
        user=commissioner,
        data=notices.NoticeData(
            title="Support for women on probation in the North West, from 2027",
            summary=(
                "We plan to buy women-only support services across the North West: drop-in centres, "
                "mentoring and help with housing and benefits. Tell us what you think at the online event."
            ),
            category_ids=_ids(ServiceCategory, "women"),
            region_ids=_ids(Region, "north-west"),
            invitation_date=today + timedelta(days=60),
            expected_deadline=today + timedelta(days=100),
            contract_start=today + timedelta(days=240),
            value_low_pence=300_000_00,
            value_high_pence=800_000_00,
            event_at=now.replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=21),
            event_place="Online: the joining link is sent to everyone who registers",
        ),
    )
    notices.notice_publish(notice=notice, user=commissioner)
    _competition(
        commissioner,
        title="Accommodation support for prison leavers in the North East",
        published=now - timedelta(days=3),
        deadline_days=35,
        lots=[
            {
                "title": "Tyneside",
                "regions": ["north-east"],
                "values": [400_000, 450_000, 500_000],
                "people": 150,
            },
            {
                "title": "The whole North East",
                "regions": ["north-east"],
                "values": [545_000, 1_200_000, 1_500_000, 1_800_000],
                "people": 600,
                "turnover": 2_000_000_00,
            },
        ],
    )
    _competition(
        commissioner,
        title="Move-on accommodation in the North West",
        published=now - timedelta(days=45),
        deadline_days=40,
        lots=[{"title": "Greater Lancashire", "regions": ["north-west"], "values": [300_000, 300_000]}],
    )


def load_competition_to_evaluate(commissioner: User) -> None:
    """A competition in the North East whose deadline passed ten days ago, with three submitted tenders
    (two for its first lot, one for its second), not opened: the demo commissioner opens and evaluates
    them. Once: nothing if it is there."""
    if Competition.objects.filter(title=TO_EVALUATE).exists():
        return
    published = timezone.now() - timedelta(days=40)
    competition = _competition(
        commissioner,
        title=TO_EVALUATE,
        published=published,
        deadline_days=30,
        regions=("north-east",),
        lots=[
            {"title": "Durham and Darlington", "regions": ["north-east"], "values": [250_000, 250_000]},
            {"title": "Sunderland", "regions": ["north-east"], "values": [150_000, 150_000]},
        ],
    )
    working_day = published + timedelta(days=20)
    lots = {lot.number: lot for lot in competition.lots.all()}
    for email, (name, role, lot_numbers) in BIDDERS.items():
        bidder = User.objects.select_related("membership__organisation").get(email=email)
        document = pdf_render(
            "pdf/demo_document.html",
            {"title": "Supporting document", "organisation": bidder.membership.organisation.legal_name},
        )
        for number in lot_numbers:
            tender = tenders.tender_start(lot=lots[number], user=bidder, now=working_day)
            _complete(tender, bidder, name=name, role=role, document=document, now=working_day)
            tenders.tender_submit(tender=tender, user=bidder, now=working_day + timedelta(hours=number))


def _complete(tender: Tender, bidder: User, *, name: str, role: str, document: bytes, now) -> None:
    """Every task of the tender done, as the bidder would on the task list."""
    competition = tender.competition
    for criterion in competition.criteria.all():
        if criterion.max_words is None:
            upload = SimpleUploadedFile("price.pdf", document, content_type="application/pdf")
            tenders.file_upload(
                tender=tender, user=bidder, uploaded_file=upload, criterion=criterion, now=now
            )
        else:
            text = RESPONSES[bidder.email]
            tenders.response_save(tender=tender, criterion=criterion, user=bidder, text=text, now=now)
    for item in competition.checklist.all():
        if item.kind == ChecklistItem.Kind.SIGNED_FORM:
            tenders.form_sign(tender=tender, item=item, user=bidder, name=name, role=role, now=now)
        elif item.standard_code != "quality_response":
            upload = SimpleUploadedFile(f"{item.name}.pdf", document, content_type="application/pdf")
            tenders.file_upload(
                tender=tender, user=bidder, uploaded_file=upload, checklist_item=item, now=now
            )
    tenders.partners_save(
        tender=tender,
        user=bidder,
        has_subcontractors=bidder.email.startswith("priya"),
        as_consortium_lead=False,
        partners=[PartnerTerms("subcontractor", "Wearside Furniture Project", "Furnishing homes", 15, True)],
        now=now,
    )


RESPONSES = {
    "priya@northern-lights.example": (
        "We have found and furnished tenancies for people leaving HMP Durham since 2023: 41 of the 50 people "
        "we housed last year kept their tenancy for a year. Each person has a named key worker who meets "
        "them at the gate and visits weekly for six months."
    ),
    "tom@second-chance.example": (
        "We run 120 move-on flats in the North West and would open an office in Durham. Our housing officers "
        "visit every tenant each fortnight and help with benefits and bills."
    ),
}
