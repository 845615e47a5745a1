"""The funder's documents: one module per report kind, rendered by WeasyPrint.

``KINDS`` says, for each kind, which parameter it takes (``info_day``, ``session``,
``course``, ``programme`` or ``registration``), who may generate it, whether it is an
aggregate without personal data, and whether it is large enough to run as a Celery task.
``resolve_target`` loads the parameter's object from the user's scope (menet_portal.scope),
so another library's id is simply not found.
"""

from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import InfoDay, Programme
from menet_portal import scope
from menet_portal.models import Role
from menet_portal.permissions import user_has_role
from participants.models import Registration
from reports.models import ReportKind
from trainings.models import Course, Session

from . import attendance, certificates, completion, participant_list, progress
from .base import DocumentSpec

__all__ = ["KINDS", "DocumentSpec", "Kind", "build_document", "resolve_target", "normalise_parameters", "row_estimate"]

PARAMETER_LABELS = {
    "info_day": _("információs nap"),
    "session": _("foglalkozás"),
    "course": _("képzés"),
    "programme": _("program"),
    "registration": _("jelentkezés"),
}


def _unscoped(key):
    return {
        "info_day": lambda: InfoDay.objects.select_related("programme", "library", "region"),
        "session": lambda: Session.objects.select_related("course__site__library", "course__site__programme"),
        "course": lambda: Course.objects.select_related("site__library", "site__programme"),
        "programme": lambda: Programme.objects.all(),
        "registration": lambda: Registration.objects.filter(course__isnull=False).select_related(
            "participant", "course__site__library", "course__site__programme"
        ),
    }[key]()


def _scoped(key, user):
    if key == "info_day":
        return scope.info_days_for(user)
    if key == "session":
        return scope.sessions_for(user).select_related("course__site__programme")
    if key == "course":
        return scope.courses_for(user)
    if key == "registration":
        return scope.registrations_for(user).filter(course__isnull=False).select_related("course__site__programme")
    if key == "programme":
        return Programme.objects.all() if user_has_role(user, (Role.STAFF,)) else Programme.objects.none()
    raise KeyError(key)


@dataclass(frozen=True)
class Kind:
    slug: str
    parameters: tuple[str, ...]
    build: Callable
    roles: tuple[str, ...]
    aggregate: bool = False
    large: bool = False

    @property
    def label(self):
        return ReportKind(self.slug).label


KINDS = {
    k.slug: k
    for k in [
        Kind(ReportKind.ATTENDANCE, ("info_day", "session"), attendance.build, (Role.STAFF, Role.COORDINATOR)),
        Kind(ReportKind.PARTICIPANT_LIST, ("info_day", "course"), participant_list.build, (Role.STAFF, Role.COORDINATOR)),
        Kind(ReportKind.COMPLETION, ("course",), completion.build_course, (Role.STAFF,)),
        Kind(ReportKind.PROGRAMME_COMPLETION, ("programme",), completion.build_programme, (Role.STAFF,), aggregate=True),
        Kind(ReportKind.CERTIFICATE, ("registration",), certificates.build_one, (Role.STAFF,)),
        Kind(ReportKind.CERTIFICATES, ("course",), certificates.build_course, (Role.STAFF,), large=True),
        Kind(ReportKind.PROGRESS, ("programme",), progress.build, (Role.STAFF,), aggregate=True, large=True),
    ]
}


def normalise_parameters(kind: str, parameters: dict) -> dict:
    """Exactly one of the kind's parameters, as a positive integer id; a clear error otherwise."""
    if kind not in KINDS:
        raise ValidationError(_("Ismeretlen jelentésfajta: %(kind)s") % {"kind": kind})
    spec = KINDS[kind]
    given = {k: v for k, v in (parameters or {}).items() if v not in (None, "")}
    unknown = set(given) - set(spec.parameters)
    if unknown or len(given) != 1:
        raise ValidationError(
            _("Ehhez a jelentéshez pontosan egy paraméter kell: %(names)s.")
            % {"names": ", ".join(str(PARAMETER_LABELS[p]) for p in spec.parameters)}
        )
    key, value = next(iter(given.items()))
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Érvénytelen azonosító: %(value)s") % {"value": value}) from None
    if value <= 0:
        raise ValidationError(_("Érvénytelen azonosító: %(value)s") % {"value": value})
    return {key: value}


def resolve_target(kind: str, parameters: dict, user=None):
    """The object the report is about, looked up in ``user``'s scope (``None``: the shell, everything).

    Raises PermissionDenied when the user's role may not generate this kind, and
    ObjectDoesNotExist when the id is unknown or outside the user's scope (views answer 404).
    """
    parameters = normalise_parameters(kind, parameters)
    spec = KINDS[kind]
    if user is not None and not user_has_role(user, spec.roles):
        raise PermissionDenied
    (key, pk), = parameters.items()
    qs = _unscoped(key) if user is None else _scoped(key, user)
    try:
        return key, qs.get(pk=pk)
    except ObjectDoesNotExist:
        raise
    except (TypeError, ValueError):  # pragma: no cover - normalise_parameters already checked
        raise ObjectDoesNotExist from None


def row_estimate(key: str, target) -> int:
    """How many people a report about ``target`` lists (one count query): big ones go to Celery."""
    from participants.models import RegistrationStatus

    confirmed = Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
    if key == "info_day":
        return confirmed.filter(info_day=target).count()
    if key == "session":
        return confirmed.filter(course_id=target.course_id).count()
    if key == "course":
        return confirmed.filter(course=target).count()
    return 1


def build_document(kind: str, key: str, target, *, progress=None, now=None) -> DocumentSpec:
    """``now`` fixes the moment of a dated report (progress: the plan to date); others ignore it."""
    if now is not None and kind == ReportKind.PROGRESS:
        return KINDS[kind].build(key, target, progress=progress, now=now)
    return KINDS[kind].build(key, target, progress=progress)
