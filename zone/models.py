"""The territory: provinces of Piemonte, the zone omogenee of the Città Metropolitana di Torino,
the comuni with their ISTAT codes, and who speaks for each zone."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def search_key(text: str) -> str:
    """Lower-case ``text`` and strip accents and apostrophes, so "ciriè" matches "Ciriè" and
    "albiano d ivrea" matches "Albiano d'Ivrea"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for mark in "'’`-":
        plain = plain.replace(mark, " ")
    return " ".join(plain.split())


class Province(models.Model):
    istat_code = models.CharField(_("codice ISTAT"), max_length=3, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    abbreviation = models.CharField(_("sigla"), max_length=2, unique=True)
    is_metropolitan_city = models.BooleanField(_("città metropolitana"), default=False)

    class Meta:
        ordering = ["istat_code"]
        verbose_name = _("provincia")
        verbose_name_plural = _("province")

    def __str__(self):
        return self.name


class ZoneQuerySet(models.QuerySet):
    def for_spokesperson(self, user, on=None):
        """The zones ``user`` currently speaks for (on date ``on``, default today)."""
        if not user.is_authenticated:
            return self.none()
        on = on or timezone.localdate()
        return self.filter(
            Q(spokespersons__end_date__isnull=True) | Q(spokespersons__end_date__gte=on),
            spokespersons__user=user,
            spokespersons__start_date__lte=on,
        ).distinct()


class Zone(models.Model):
    """A zona omogenea of the Città Metropolitana di Torino."""

    number = models.PositiveSmallIntegerField(_("numero"), unique=True)
    name = models.CharField(_("nome"), max_length=100)
    full_name = models.CharField(_("nome esteso"), max_length=200)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="zones", verbose_name=_("provincia")
    )
    municipality_count_2015 = models.PositiveSmallIntegerField(
        _("comuni secondo la proposta di gennaio 2015"), null=True, blank=True
    )
    municipality_count = models.PositiveSmallIntegerField(
        _("comuni oggi"),
        null=True,
        blank=True,
        help_text=_("Vuoto se nessuna fonte dice quanti comuni ha oggi la zona."),
    )
    municipality_count_source = models.CharField(
        _("fonte del numero di comuni di oggi"),
        blank=True,
        max_length=500,
        help_text=_("Indirizzo della fonte, eventualmente seguito da una nota."),
    )
    source_url = models.URLField(_("fonte"), blank=True)
    # The zone on the map: the union of its known comuni's shapes (zone.geometry), computed when
    # the reference data is loaded and whenever the membership changes, never per request.
    map_path = models.TextField(_("forma sulla mappa"), blank=True, editable=False)
    map_x = models.SmallIntegerField(null=True, blank=True, editable=False)
    map_y = models.SmallIntegerField(null=True, blank=True, editable=False)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("zona omogenea")
        verbose_name_plural = _("zone omogenee")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="zone_number_positive"),
        ]

    def __str__(self):
        return _("Zona %(number)s – %(name)s") % {"number": self.number, "name": self.name}

    def get_absolute_url(self):
        return reverse("zone:detail", args=[self.number])

    def current_spokespersons(self, on=None):
        """Users who speak for this zone on ``on`` (default today). Runs a query."""
        on = on or timezone.localdate()
        return [a.user for a in self.spokespersons.current(on).select_related("user")]


class Municipality(models.Model):
    """A comune of Piemonte, identified by its six-digit ISTAT code."""

    class ZoneOrigin(models.TextChoices):
        """Where the comune's zone comes from: the reference data shipped in ``data/``, or the
        Città Metropolitana's official list imported by an operator (which the reference data
        never overrides). Empty for no zone, and for memberships recorded before the origin
        was."""

        REFERENCE = "reference", _("dati di riferimento")
        OFFICIAL = "official", _("elenco ufficiale")

    istat_code = models.CharField(_("codice ISTAT"), max_length=6, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    search_name = models.CharField(max_length=100, editable=False, db_index=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("provincia"),
    )
    zone = models.ForeignKey(
        Zone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("zona omogenea"),
    )
    zone_source = models.CharField(
        _("fonte dell'assegnazione alla zona"),
        blank=True,
        max_length=500,
        help_text=_("Indirizzo della fonte, eventualmente seguito da una nota."),
    )
    zone_origin = models.CharField(
        _("origine dell'assegnazione alla zona"),
        max_length=10,
        choices=ZoneOrigin.choices,
        blank=True,
    )
    population_2011 = models.PositiveIntegerField(
        _("popolazione (censimento 2011)"), null=True, blank=True
    )
    # The comune on the map of the Città Metropolitana (SVG path data in the map's coordinates,
    # zone.geometry) and the point inside it where a marker goes; empty outside the Città
    # Metropolitana and where the boundaries' source has none.
    map_path = models.TextField(_("forma sulla mappa"), blank=True, editable=False)
    map_x = models.SmallIntegerField(null=True, blank=True, editable=False)
    map_y = models.SmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        constraints = [
            models.CheckConstraint(
                condition=Q(istat_code__regex=r"^[0-9]{6}$"), name="municipality_istat_six_digits"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.province.abbreviation})" if self.province_id else self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        if kwargs.get("update_fields") and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("zone:municipality", args=[self.istat_code])


class SpokespersonQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class SpokespersonAssignment(models.Model):
    """Who is portavoce of a zone, and from when to when (``end_date`` is the last day in office;
    empty while in office)."""

    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, related_name="spokespersons", verbose_name=_("zona")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="spokesperson_assignments",
        verbose_name=_("portavoce"),
    )
    role = models.CharField(
        _("ruolo"),
        max_length=200,
        blank=True,
        help_text=_("Per esempio: sindaco di un comune della zona."),
    )
    start_date = models.DateField(_("dal"))
    end_date = models.DateField(_("al"), null=True, blank=True)

    objects = SpokespersonQuerySet.as_manager()

    class Meta:
        ordering = ["zone__number", "-start_date"]
        verbose_name = _("portavoce di zona")
        verbose_name_plural = _("portavoce di zona")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="spokesperson_end_not_before_start",
                violation_error_message=_("La fine dell'incarico non può precedere l'inizio."),
            ),
            models.UniqueConstraint(
                fields=["zone", "user", "start_date"], name="spokesperson_unique_start"
            ),
        ]

    def __str__(self):
        return _("%(user)s, portavoce della %(zone)s") % {"user": self.user, "zone": self.zone}

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class MembershipImport(models.Model):
    """The official list "Elenco Comuni per Zona omogenea" uploaded by the redazione, waiting
    for a member of the redazione to confirm what the preview showed
    (``zone.services.confirm_membership_import``). The file is kept until then, with its SHA-256
    and a fingerprint of every comune's zone when it was read: confirming after the memberships
    changed, or twice, is refused. Once applied or replaced by a newer upload, the file is
    dropped and the row stays as a record of who loaded what, and when."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa di conferma")
        APPLIED = "applied", _("caricato")
        DISCARDED = "discarded", _("sostituito da un altro file")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    uploaded_at = models.DateTimeField(_("caricato il"), auto_now_add=True)
    file_name = models.CharField(_("nome del file"), max_length=255)
    sha256 = models.CharField(_("impronta SHA-256 del file"), max_length=64)
    source_url = models.CharField(_("fonte"), max_length=500, blank=True)
    membership_state = models.CharField(
        _("stato delle zone all'anteprima"),
        max_length=64,
        help_text=_("Impronta della zona di ogni comune quando il file è stato letto."),
    )
    content = models.BinaryField(_("contenuto"), blank=True, editable=False)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    applied_at = models.DateTimeField(_("caricato nel portale il"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confermato da"),
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("caricamento dell'elenco ufficiale delle zone")
        verbose_name_plural = _("caricamenti dell'elenco ufficiale delle zone")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="applied", applied_at__isnull=False) | ~Q(status="applied"),
                name="membership_import_applied_has_date",
            )
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
