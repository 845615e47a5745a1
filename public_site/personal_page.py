"""What a person's own page lists: their registrations, and what they can do with each."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participants.models import RegistrationStatus
from participants.selectors import waiting_list_position

from . import selectors

STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: _("Helye biztos"),
    RegistrationStatus.PENDING: _("Megerősítésre vár – nyissa meg az e-mailben kapott linket"),
    RegistrationStatus.WAITLISTED: _("Várólistán"),
    RegistrationStatus.CANCELLED: _("Lemondva"),
}


@dataclass
class PersonalRow:
    registration: object
    event: selectors.PublicEvent
    position: int | None
    material_url: str | None
    certificate_url: str | None

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.registration.status, self.registration.get_status_display())

    @property
    def can_cancel(self) -> bool:
        return self.registration.status != RegistrationStatus.CANCELLED and self.event.state not in (
            selectors.PublicState.HELD, selectors.PublicState.CANCELLED)


def _material_url(registration):
    """The trainee's active learning-material link; none once the place is no longer confirmed
    (the material page would answer 404)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return None
    link = next((l for l in registration.material_links.all() if l.is_active), None)
    return reverse("trainings:material_home", kwargs={"token": link.token}) if link else None


def rows(participant, *, token: str = "") -> list[PersonalRow]:
    found = []
    registrations = participant.registrations.select_related("info_day", "course").prefetch_related(
        "material_links").order_by("-created_at")
    for registration in registrations:
        event = selectors.for_event(registration.event)
        position = waiting_list_position(registration) if registration.status == RegistrationStatus.WAITLISTED else None
        certificate_url = None
        if registration.course_id and token and hasattr(registration, "certificate"):
            certificate_url = reverse("public:personal_certificate", kwargs={"token": token, "pk": registration.pk})
        found.append(PersonalRow(
            registration=registration, event=event, position=position,
            material_url=_material_url(registration) if registration.course_id else None,
            certificate_url=certificate_url,
        ))
    return found
