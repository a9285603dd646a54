"""The shared core: people, organisations, roles, reference data, the inbox and the audit log."""

from __future__ import annotations

import re
from typing import ClassVar
from uuid import uuid4

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

COMPANIES_HOUSE_NUMBER = RegexValidator(
    r"^(?:[A-Z]{2}\d{6}|\d{8})$",
    "Enter a Companies House number in the correct format, like 01234567 or SC123456",
)
UK_POSTCODE = RegexValidator(
    r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$",
    "Enter a real UK postcode, like LS1 1AA",
    flags=re.IGNORECASE,
)
# Names and other one-line text end up in e-mail, PDFs and page titles: no line breaks or control characters.
SINGLE_LINE = RegexValidator(
    r"[\x00-\x1f\x7f\u2028\u2029]",
    "Enter this on one line, without line breaks",
    inverse_match=True,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True, role=User.Role.MOJ_ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person. The e-mail address is the username."""

    class Role(models.TextChoices):
        SUPPLIER = "supplier", "Supplier"
        COMMISSIONER = "commissioner", "Commissioner"
        MOJ_ADMIN = "moj_admin", "MoJ admin"

    username = None  # type: ignore[assignment]  # no username: the e-mail address is one
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True, validators=[SINGLE_LINE])
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SUPPLIER)
    regions = models.ManyToManyField(
        "portal.Region", blank=True, related_name="commissioners", help_text="Commissioners only."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # Its own manager (e-mail addresses, no usernames), not AbstractUser's UserManager.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_supplier(self) -> bool:
        return self.role == self.Role.SUPPLIER

    @property
    def is_commissioner(self) -> bool:
        return self.role == self.Role.COMMISSIONER

    @property
    def is_moj_admin(self) -> bool:
        return self.role == self.Role.MOJ_ADMIN

    @property
    def is_portal_staff(self) -> bool:
        """Staff must use two-factor authentication and are never created by sign-up."""
        return self.role in {self.Role.COMMISSIONER, self.Role.MOJ_ADMIN}

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class ReferenceQuerySet(models.QuerySet):
    def active(self) -> ReferenceQuerySet:
        return self.filter(is_active=True)


class Region(models.Model):
    """A probation region, led by a Regional Probation Director (docs/domain.md §2)."""

    code = models.SlugField(max_length=40, unique=True, help_text="Stable; never change it once used.")
    name = models.CharField(max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceCategory(models.Model):
    """One of the framework's service categories (docs/domain.md §2), numbered as in the framework."""

    code = models.SlugField(max_length=60, unique=True, help_text="Stable; never change it once used.")
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    is_cohort = models.BooleanField(default=False, help_text="A category defined by who is served.")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "service categories"

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Organisation(models.Model):
    """A supplier organisation: a charity, social enterprise, company or other body."""

    class LegalForm(models.TextChoices):
        CHARITABLE_COMPANY = "charitable_company", "Charitable company (limited by guarantee)"
        CIO = "cio", "Charitable incorporated organisation (CIO)"
        UNINCORPORATED_CHARITY = "unincorporated_charity", "Unincorporated charity or association"
        CIC = "cic", "Community interest company (CIC)"
        COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society", "Community benefit society or co-operative"
        PRIVATE_COMPANY = "private_company", "Private limited company"
        PUBLIC_COMPANY = "public_company", "Public limited company"
        PARTNERSHIP = "partnership", "Partnership or limited liability partnership"
        PUBLIC_BODY = "public_body", "Public sector body"
        OTHER = "other", "Other"

    class SizeBand(models.TextChoices):
        MICRO = "micro", "Micro (fewer than 10 staff and turnover up to £2 million)"
        SMALL = "small", "Small (fewer than 50 staff and turnover up to £10 million)"
        MEDIUM = "medium", "Medium (fewer than 250 staff and turnover up to £50 million)"
        LARGE = "large", "Large (250 staff or more, or turnover over £50 million)"

    class Intent(models.TextChoices):
        """What the organisation came to do: it decides which next steps and questions it is shown (its
        profile serves both; ADR 0007). Asked at set-up, unless the person came in by the grants door."""

        FRAMEWORK = "framework", "Bid for contracts on the framework"
        GRANTS = "grants", "Apply for grants"
        BOTH = "both", "Both"

    # What describes the organisation: the profile form, and the questionnaire's first section, ask for these.
    PROFILE_FIELDS = (
        "legal_name",
        "trading_name",
        "legal_form",
        "companies_house_number",
        "charity_number",
        "is_vcse",
        "size_band",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "contact_name",
        "contact_email",
        "contact_phone",
    )

    legal_name = models.CharField(max_length=200, validators=[SINGLE_LINE])
    trading_name = models.CharField(max_length=200, blank=True, validators=[SINGLE_LINE])
    legal_form = models.CharField(max_length=40, choices=LegalForm.choices)
    companies_house_number = models.CharField(max_length=8, blank=True, validators=[COMPANIES_HOUSE_NUMBER])
    charity_number = models.CharField(max_length=20, blank=True, validators=[SINGLE_LINE])
    is_vcse = models.BooleanField("voluntary, community or social enterprise (VCSE)")
    size_band = models.CharField(max_length=10, choices=SizeBand.choices)
    address_line_1 = models.CharField(max_length=200, validators=[SINGLE_LINE])
    address_line_2 = models.CharField(max_length=200, blank=True, validators=[SINGLE_LINE])
    town = models.CharField(max_length=100, validators=[SINGLE_LINE])
    postcode = models.CharField(max_length=10, validators=[UK_POSTCODE])
    contact_name = models.CharField(max_length=200, validators=[SINGLE_LINE])
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=30, validators=[SINGLE_LINE])
    show_contact_publicly = models.BooleanField(default=False)
    intent = models.CharField(max_length=10, choices=Intent.choices, default=Intent.BOTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def wants_framework(self) -> bool:
        return self.intent != self.Intent.GRANTS

    @property
    def wants_grants(self) -> bool:
        return self.intent != self.Intent.FRAMEWORK


class Membership(models.Model):
    """A supplier user's place in their organisation. A person belongs to one organisation."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    is_admin = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_admin", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


def accounts_upload_to(instance: FinancialProfile, filename: str) -> str:
    """A random name, never the uploader's (as `portal.uploads.random_name`, which imports this module)."""
    return f"accounts/{uuid4().hex}"


class FinancialProfileQuerySet(models.QuerySet):
    def current(self) -> FinancialProfileQuerySet:
        """Each organisation's current profile: its latest row."""
        later = FinancialProfile.objects.filter(
            organisation=models.OuterRef("organisation"), pk__gt=models.OuterRef("pk")
        )
        return self.exclude(models.Exists(later))


class FinancialProfile(models.Model):
    """One version of an organisation's financial profile: its latest accounts (the year they end, the
    turnover or income they show, the accounts file). Both portals read it: the Selection Questionnaire's
    turnover, the call-off turnover threshold and the grants income rule (issue 21).

    A change adds a row and never alters one, so the latest row is the current profile and whatever
    was sent keeps pointing at the row it used (docs/adr/0024-financial-profile.md)."""

    class Source(models.TextChoices):
        PROFILE = "profile", "Your organisation's accounts"
        QUESTIONNAIRE = "questionnaire", "Your Selection Questionnaire"
        GRANTS_REGISTRATION = "grants_registration", "Your grants registration"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="financial_profiles"
    )
    year_end = models.DateField("the date the financial year ended")
    income_pence = models.BigIntegerField("turnover or income for the year, in pence")
    accounts = models.FileField(upload_to=accounts_upload_to, blank=True)
    accounts_name = models.CharField(max_length=200, blank=True)
    accounts_content_type = models.CharField(max_length=100, blank=True)
    # Where the figures were typed: here, or (rows made from older answers) a questionnaire or registration.
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.PROFILE)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = FinancialProfileQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="financial_profile_income_not_negative", condition=Q(income_pence__gte=0)
            )
        ]

    def __str__(self) -> str:
        return f"Accounts of {self.organisation_id} for the year ending {self.year_end:%Y-%m-%d}"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An organisation admin's invitation for a colleague to join by e-mail."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    as_admin = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"


def source_key(source: models.Model | str) -> str:
    """What a message is about, as a string key: "suppliers.application:12", or a key given as is."""
    if isinstance(source, models.Model):
        return f"{source._meta.label_lower}:{source.pk}"
    return source


class MessageQuerySet(models.QuerySet):
    def for_user(self, user: User) -> MessageQuerySet:
        """Messages to the person, and to their organisation if they belong to one."""
        to_user = Q(recipient_user=user)
        membership = getattr(user, "membership", None)
        if membership is not None:
            return self.filter(to_user | Q(recipient_organisation_id=membership.organisation_id))
        return self.filter(to_user)

    def with_read_by(self, user: User) -> MessageQuerySet:
        """Each message with `is_read`: whether this person (not a colleague) has opened it."""
        return self.annotate(
            is_read=models.Exists(MessageRead.objects.filter(message=models.OuterRef("pk"), user=user))
        )

    def unread_by(self, user: User) -> MessageQuerySet:
        return self.exclude(reads__user=user)


class Message(models.Model):
    """A message in the portal's inbox, to one organisation (all its members) or to one person.

    `kind` names the template it was worded from (`templates/emails/<kind>.html`) and `source` what it is
    about ("suppliers.application:12"): one recipient gets one message of a kind about a source, ever.
    `body` is the rendered HTML, escaped when it was rendered, with links relative to the site.
    """

    LEGACY = "legacy"

    kind = models.CharField(max_length=60)
    source = models.CharField(max_length=120)
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    recipient_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="message_has_exactly_one_recipient",
                condition=Q(recipient_organisation__isnull=False, recipient_user__isnull=True)
                | Q(recipient_organisation__isnull=True, recipient_user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "source", "recipient_organisation"],
                condition=Q(recipient_organisation__isnull=False),
                name="message_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["kind", "source", "recipient_user"],
                condition=Q(recipient_user__isnull=False),
                name="message_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class MessageRead(models.Model):
    """One person has opened one message. Colleagues each have their own read state."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="message_reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="message_read_once")]

    def __str__(self) -> str:
        return f"{self.user} read {self.message_id}"


class Delivery(models.Model):
    """One e-mail to one address: the outbox. Written in the transaction of the change that causes it;
    `portal.tasks.delivery_send` sends it once (see docs/adr/0003-message-delivery-outbox.md)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    kind = models.CharField(max_length=60)
    address = models.EmailField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(
        default=dict, blank=True, help_text="Extra e-mail headers, such as List-Unsubscribe (RFC 8058)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not to be sent before this time (a retry's backoff); the re-queue looks for rows long past it.
    due_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_status_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "address"],
                condition=Q(message__isnull=False),
                name="delivery_once_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.address} ({self.status})"


class AuditEvent(models.Model):
    """An append-only record of a change that matters, or of a refused attempt.

    Written by the domain services inside the transaction of the change it records; database triggers
    (migration 0002) refuse every UPDATE and DELETE on this table.
    """

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False)
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.TextField()
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class AlertPreference(models.Model):
    """How one person hears of opportunities (call-offs, notices, grant rounds) by e-mail
    (docs/adr/0011-opportunity-alerts.md, `portal.alerts`). Without a row: an e-mail at once, for every
    category. The inbox message reaches their organisation whatever they choose; this only decides their
    e-mails. Made in call-offs and moved here with its table and rows (issue 17)."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", "As soon as an opportunity is published"
        DAILY = "daily", "In one daily summary"
        NEVER = "never", "Do not e-mail me"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="alert_preference")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.INSTANT)
    categories = models.ManyToManyField(
        ServiceCategory, blank=True, related_name="+", help_text="None chosen: every category."
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "calloffs_alertpreference"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"


class StoredPdfJob(models.Model):
    """The making of one stored PDF (`portal.stored_pdfs`): when it was last queued and last taken up by a
    worker, and how many times it was taken up. The recheck reads it so that a PDF waiting in the broker
    is not queued again, while one whose worker died, or that was never queued, is."""

    kind = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="stored_pdf_job_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class KeptForm(models.Model):
    """A form sent after its sender's session had ended (docs/adr/0022-never-lose-work.md): what they
    typed, kept for them alone until they sign in again and see it on the page they were on, or until
    KEPT_FORM_HOURS pass. Files are not kept; their names are, so that the page can say which to choose
    again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=2000, help_text="The page the form was on, where it is shown again.")
    fields = models.JSONField(default=dict, help_text="Each field's values as sent: {name: [value, ...]}.")
    dropped_files = models.JSONField(default=list, help_text="The names of the files chosen, not kept.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="kept_form_once_per_page")]

    def __str__(self) -> str:
        return f"{self.user} at {self.path}"


class LibraryAnswer(models.Model):
    """A copy of one of an organisation's long-text answers (a tender's quality response, a case study,
    a grant application's answer), kept by the service that saves the answer, so that "Use an earlier
    answer" searches one table in one query (`portal.answer_library`; docs/adr/0023-answer-library.md).
    Only ever read by the organisation's own people."""

    class Kind(models.TextChoices):
        TENDER = "tender", "Tender"
        QUESTIONNAIRE = "questionnaire", "Selection Questionnaire"
        GRANT_APPLICATION = "grant_application", "Grant application"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="library_answers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(
        max_length=120, unique=True, help_text="The answer's own key, e.g. calloffs.tenderresponse:7."
    )
    source_label = models.CharField(max_length=300, help_text="Where it was written, in the owner's words.")
    question = models.TextField()
    text = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)
    # PostgreSQL's words of the question and the answer, weighted, kept by `answer_library.index` so that
    # a search ranks stored vectors rather than parsing 1,000 answers each time. Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-updated_at"], name="library_answer_by_owner")]

    def __str__(self) -> str:
        return f"{self.source_label}: {self.question[:60]}"
