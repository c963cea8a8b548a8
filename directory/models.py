"""Treatment programs, the organizations that run them, and the service taxonomy they are tagged with."""
from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.querysets import SEARCH_GROUP, ProgramQuerySet, forget_search_answers, kept_answer  # noqa: F401
from phones import numbers as phones
from places import geo
from places.states import STATE_CHOICES
from places.weekdays import Weekday
from portal.i18n import localized
from portal.models import Verifiable
from portal.slugs import unique_slug

zip_validator = RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a 5-digit ZIP code (or ZIP+4).")


def program_slug_text(name: str, city: str, state: str) -> str:
    """What a program's slug is made from: its name, city and state."""
    return f"{name} {city} {state}"


class Category(models.Model):
    """A facet of the service taxonomy, such as type of care or payment accepted."""

    name = models.CharField(max_length=100, unique=True)
    name_es = models.CharField("name in Spanish", max_length=100, blank=True)
    param = models.SlugField(
        max_length=30,
        unique=True,
        help_text="Name of the search URL parameter for this category, for example 'medication'.",
    )
    description = models.TextField(blank=True, help_text="Shown to the public beside the filter.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the search form.")
    show_in_results = models.BooleanField(
        default=False, help_text="List this category's services on each search result."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        """The name in the page's language: the Spanish one on Spanish pages when staff gave one."""
        return localized(self.name, getattr(self, "name_es", ""))


class Term(models.Model):
    """One service a program can offer, with the SAMHSA locator code where one exists."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_]+$", "Use letters, digits and underscores only.")],
        help_text="Short code used in search URLs and data exchange (SAMHSA service code where one exists).",
    )
    name = models.CharField(max_length=150)
    name_es = models.CharField("name in Spanish", max_length=150, blank=True)
    synonyms = ArrayField(
        models.CharField(max_length=100),
        blank=True,
        default=list,
        help_text="Words people type for this service: lay words, slang, brand names, abbreviations, common "
        "misspellings (the search understands small typos by itself). One per line.",
    )
    synonyms_es = ArrayField(
        models.CharField(max_length=100),
        blank=True,
        default=list,
        verbose_name="synonyms in Spanish",
        help_text="The same in Spanish. One per line.",
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    samhsa_labels = ArrayField(
        models.CharField(max_length=200),
        blank=True,
        default=list,
        help_text="Service names as the SAMHSA locator writes them, used when importing its data.",
    )

    class Meta:
        ordering = ["category__position", "position", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.category.name})"

    @property
    def localized_name(self) -> str:
        """The name in the page's language: the Spanish one on Spanish pages when staff gave one."""
        return localized(self.name, getattr(self, "name_es", ""))


class Organization(models.Model):
    """The agency, practice or nonprofit that runs one or more programs."""

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True, max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(Verifiable):
    """A place (or telehealth service) a person can contact for treatment."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        TEMPORARILY_CLOSED = "temporarily_closed", "Temporarily closed"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="programs"
    )
    description = models.TextField(blank=True)

    street1 = models.CharField("street address", max_length=200, blank=True)
    street2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    zip_code = models.CharField("ZIP code", max_length=10, validators=[zip_validator])
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Leave empty to use the centre of the ZIP code.",
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="Leave empty to use the centre of the ZIP code.",
    )

    telehealth_states = ArrayField(
        models.CharField(max_length=2, choices=STATE_CHOICES),
        blank=True,
        default=list,
        verbose_name="telehealth serves these states",
        help_text="States whose residents this program sees by video or phone wherever they live in them. A search "
        "near any place in one of these states lists the program under “Telehealth”, whatever the distance.",
    )

    phone = models.CharField(
        "main phone", max_length=30, blank=True, validators=[phones.validate_us_phone],
        help_text="A US number with its area code; an extension may follow (ext. 12). Saved as (410) 555-0123.",
    )
    intake_phone = models.CharField(max_length=30, blank=True, validators=[phones.validate_us_phone])
    website = models.URLField(blank=True, max_length=300)
    hours_note = models.CharField(
        max_length=200, blank=True, help_text="For example 'Open 24 hours' or 'Dosing 5:30–11:00 am'."
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    accepting_new_patients = models.BooleanField(null=True, blank=True, help_text="Leave unknown if not sure.")
    typical_wait_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(365)],
        help_text="Usual days from first call to first appointment, if known.",
    )
    beds_available = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Residential or detox beds open now, if the program reports it."
    )
    beds_updated = models.DateField(null=True, blank=True, help_text="When the bed count was last updated.")

    contact_email = models.EmailField(
        blank=True, help_text="For staff: where update links and reminders go. Not shown to the public unless "
        "the box below is ticked.",
    )
    show_contact_email = models.BooleanField(
        "show the contact email to the public", default=False,
        help_text="Print the contact email on the public listing page.",
    )
    contact_language = models.CharField(
        "language of emails to the program", max_length=2, choices=[("en", "English"), ("es", "Spanish")],
        default="en", blank=True, help_text="Empty means English.",
    )
    confirmed_by_program = models.DateField(
        null=True, blank=True,
        help_text="When the program itself last confirmed its listing through its update link.",
    )

    source = models.CharField(
        max_length=40, blank=True, help_text="Where an imported listing came from, e.g. 'samhsa' or 'hsds'."
    )
    source_id = models.CharField(
        max_length=200, blank=True, help_text="The listing's identifier in its source, so re-imports update it."
    )
    location_approximate = models.BooleanField(
        "location is approximate", default=False,
        help_text="The map point is the centre of the ZIP code or city, not the building: distances are "
        "rough and directions use the street address. Cleared when staff enter coordinates.",
    )
    unmapped_codes = ArrayField(
        models.CharField(max_length=20), blank=True, default=list,
        help_text="Service codes the source gave that no term of the taxonomy maps, kept as they came.",
    )
    missing_from_source = models.CharField(
        max_length=100, blank=True, db_index=True,
        help_text="Set when a newer edition of its source no longer lists it (e.g. '2026 directory'): review it. "
        "Never deleted by an import.",
    )
    import_snapshot = models.JSONField(
        default=dict, blank=True, editable=False,
        help_text="The values the last import wrote, to tell staff edits from the source's on the next edition.",
    )

    terms = models.ManyToManyField(Term, blank=True, related_name="programs", verbose_name="services")

    search_text = models.TextField(blank=True, editable=False)
    term_ids = ArrayField(models.IntegerField(), blank=True, default=list, editable=False)
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("name", weight="A", config="english")
            + SearchVector("search_text", weight="B", config="english")
            + SearchVector("description", "city", weight="C", config="english")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~Q(source_id=""), name="program_unique_source_id"
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="program_lat_lng"),
            models.Index(fields=["state", "city"], name="program_state_city"),
            models.Index(fields=["name", "id"], name="program_name_id"),
            GinIndex(fields=["search_vector"], name="program_search"),
            GinIndex(fields=["term_ids"], name="program_term_ids"),
            # A search near a place lists the telehealth programs serving its state (array containment).
            GinIndex(fields=["telehealth_states"], name="program_telehealth_states"),
            # A search with no place lists programs by name: walked in order, the services checked
            # in the index itself, until a page's worth (and the count's cap) is found.
            models.Index(
                fields=["name", "id"], include=["term_ids", "state"], condition=models.Q(status="active"),
                name="program_active_name",
            ),
            # A search by state, in name order, and its facet counts read this index alone.
            models.Index(
                fields=["state", "name", "id"], include=["term_ids"], condition=models.Q(status="active"),
                name="program_active_state",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:program-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or leave both empty.")
        if self.latitude is None and self.zip_code and geo.gazetteer().zip_point(self.zip_code) is None:
            raise ValidationError({"zip_code": "Unknown ZIP code: enter the coordinates by hand."})

    def save(self, *args, **kwargs) -> None:
        for field in ("phone", "intake_phone"):
            value = getattr(self, field)
            if value:
                setattr(self, field, phones.normalize(value) or value)
        if self.latitude is None or self.longitude is None:
            point = geo.gazetteer().zip_point(self.zip_code)
            if point:
                self.latitude, self.longitude = point
                self.location_approximate = True
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def _unique_slug(self) -> str:
        return unique_slug(
            program_slug_text(self.name, self.city, self.state), Program.objects.exclude(pk=self.pk),
            max_length=200, fallback="program",
        )

    @property
    def address_lines(self) -> list[str]:
        lines = [line for line in (self.street1, self.street2) if line]
        lines.append(f"{self.city}, {self.state} {self.zip_code}")
        return lines

    @property
    def one_line_address(self) -> str:
        return ", ".join(self.address_lines)



class OpeningHours(models.Model):
    """One opening period of a program on one weekday."""

    Weekday = Weekday  # 0 = Sunday, as everywhere in the portal (places.weekdays)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = [Mod(F("weekday") + 6, 7), "opens"]  # Monday first
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="hours_close_after_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ProgramIdentifier(models.Model):
    """The identifier of a listing in a source other than its own (Program.source, source_id).

    Written when an import matches a record of another source to the listing as the same facility
    (directory.matching), so the next import of that source finds it by identifier.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="identifiers")
    source = models.CharField(max_length=40, help_text="The other source, e.g. 'samhsa' or 'samhsa-directory'.")
    source_id = models.CharField(max_length=200, help_text="The listing's identifier in that source.")
    matched_by = models.CharField(
        max_length=100, blank=True, help_text="How the import found it the same facility, e.g. 'address and name'."
    )
    snapshot = models.JSONField(
        default=dict, blank=True, editable=False,
        help_text="What this source said at its last import, to tell its changes from staff's and other sources'.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "identifier in another source"
        verbose_name_plural = "identifiers in other sources"
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="program_identifier_unique_source_id"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.source_id}"


class ListingToVerify(Program):
    """Programs seen through the staff verification queue (a proxy: same rows, its own admin)."""

    class Meta:
        proxy = True
        verbose_name = "listing to re-verify"
        verbose_name_plural = "listings to re-verify"


class ProblemReportQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(created__gte=moment)

    def from_visitor(self, visitor_key: str):
        return self.filter(visitor_key=visitor_key)

    def about(self, program):
        return self.filter(program=program)


class ProblemReport(models.Model):
    """A member of the public telling staff that a listing is wrong. Anonymous by design."""

    class Kind(models.TextChoices):
        WRONG_PHONE = "wrong_phone", _("The phone number is wrong")
        CLOSED = "closed", _("The program has closed or moved")
        WRONG_SERVICES = "wrong_services", _("The services or payment options are wrong")
        OTHER = "other", _("Something else")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField("what is wrong", max_length=20, choices=Kind.choices)
    details = models.TextField(blank=True, max_length=2000)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    visitor_key = models.CharField(
        max_length=64, editable=False, db_index=True,
        help_text="A keyed hash that changes daily, used only to limit repeated reports; not an address.",
    )
    resolved = models.BooleanField(default=False, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["resolved", "-created"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.program}"
