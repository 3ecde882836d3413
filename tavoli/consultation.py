"""The consultation of a programme: which of its phases is the consultation that matters now,
whether it is open, and which plan version it is about.

The version under consultation is the programme's newest public version: the proposal under
validation while there is one (a version sent to the zones is always the newest public one),
otherwise the plan as last validated or published. Drafts are never consulted on, since nobody
outside the redazione may read them. Contributions name that version, and the policy or action
they are about by its stable key, so they keep appearing on that item in later versions.

The window is a pair of datetimes on the phase (``consultation_opens_at`` ≤ instant <
``consultation_closes_at``), so a consultation opens and closes at a precise hour, not at
midnight of a start or end date chosen for the timeline."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from patto.core.articles import article_before_number
from patto.models import Phase, PlanVersion, Programme, VersionStatus


def when(value, article="il") -> str:
    """A consultation instant as people read it after ``article``: «l'8 marzo 2026 alle 09:00»,
    «il 3 marzo 2026 all'01:30» (the time as every other time of the portal, ``H:i``); in a
    language other than Italian the translation writes its own words before it."""
    value = timezone.localtime(value)
    return _("%(on)s%(date)s %(at)s%(time)s") % {
        "on": article_before_number(value, article),
        "date": date_format(value, "j E Y"),
        "at": article_before_number(value, "alle"),
        "time": date_format(value, "H:i"),
    }


@dataclass
class Consultation:
    programme: Programme
    phase: Phase | None
    version: PlanVersion | None
    state: str  # "none", "upcoming", "open", "closed": see Phase.consultation_state

    @property
    def is_open(self) -> bool:
        return self.state == "open" and self.version is not None

    @property
    def exists(self) -> bool:
        return self.phase is not None and self.version is not None

    def is_about(self, version) -> bool:
        """Whether ``version`` is the one under consultation (forms go on its pages only)."""
        return self.version is not None and version is not None and self.version.pk == version.pk

    @property
    def message(self) -> str:
        """What the page says instead of (or above) the form: when the consultation opened
        and closed, or when it will open."""
        if self.phase is None:
            return _("Non c'è una consultazione in corso su questo programma.")
        opens = when(self.phase.consultation_opens_at)
        closes = when(self.phase.consultation_closes_at)
        if self.state == "upcoming":
            return _("La consultazione si aprirà %(opens)s e si chiuderà %(closes)s.") % {
                "opens": opens,
                "closes": closes,
            }
        if self.state == "closed":
            return _("La consultazione si è aperta %(opens)s e si è chiusa %(closes)s.") % {
                "opens": opens,
                "closes": closes,
            }
        return _("La consultazione è aperta %(closes)s.") % {
            "closes": when(self.phase.consultation_closes_at, "fino al")
        }

    @property
    def refusal(self) -> str:
        """Why a contribution or comment cannot be sent now (empty when it can)."""
        if self.is_open:
            return ""
        if self.version is None and self.phase is not None:
            return _("Non c'è una versione pubblica del piano su cui contribuire.")
        return self.message


def consultation_phase(phases, now) -> Phase | None:
    """Among a programme's consultation phases: the open one, else the next to open, else the
    last that closed."""
    phases = [p for p in phases if p.consultation_state(now) != "none"]
    open_ = [p for p in phases if p.consultation_state(now) == "open"]
    if open_:
        return max(open_, key=lambda p: p.consultation_opens_at)
    upcoming = [p for p in phases if p.consultation_state(now) == "upcoming"]
    if upcoming:
        return min(upcoming, key=lambda p: p.consultation_opens_at)
    return max(phases, key=lambda p: p.consultation_closes_at, default=None)


def consultation_version(programme: Programme) -> PlanVersion | None:
    """The newest public version of ``programme`` that was not withdrawn. One query."""
    version = (
        PlanVersion.objects.public()
        .filter(programme=programme)
        .exclude(status=VersionStatus.WITHDRAWN)
        .order_by("-number")
        .first()
    )
    if version is not None:
        version.programme = programme
    return version


def consultation_of(programme: Programme, now=None) -> Consultation:
    """The consultation of ``programme`` at ``now``. Two queries (one if there is no
    consultation phase)."""
    now = now or timezone.now()
    phase = consultation_phase(Phase.objects.filter(programme=programme, is_consultation=True), now)
    if phase is None:
        return Consultation(programme, None, None, "none")
    return Consultation(
        programme, phase, consultation_version(programme), phase.consultation_state(now)
    )


def consultation_from(programme: Programme, phases, public_versions, now=None) -> Consultation:
    """The same as ``consultation_of`` from phases and public versions (newest first) already
    read, for pages that have them: the newest that was not withdrawn. No query."""
    now = now or timezone.now()
    phase = consultation_phase(phases, now)
    if phase is None:
        return Consultation(programme, None, None, "none")
    version = next((v for v in public_versions if v.status != VersionStatus.WITHDRAWN), None)
    return Consultation(programme, phase, version, phase.consultation_state(now))


class ConsultationMixin:
    """For the pages of a version that read the programme's public versions anyway
    (``PublicVersionsMixin``): the programme's consultation, from one more query (its
    consultation phases), the version under consultation being the newest public one."""

    @cached_property
    def consultation(self) -> Consultation:
        phases = Phase.objects.filter(programme=self.programme, is_consultation=True)
        return consultation_from(self.programme, phases, self.public_versions)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("consultation", self.consultation)
        return super().get_context_data(**kwargs)
