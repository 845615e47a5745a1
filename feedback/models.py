"""The participants' satisfaction questionnaire (elégedettségi kérdőív): one per programme.

Anonymity is a property of the tables, not of the reports:

- ``Invitation`` is the only row that names a person (through the registration): it says the
  person was invited and *whether* they answered (``answered_at``), never what.
- ``Response`` and ``Answer`` hold what was answered. They have no foreign key to a person or
  a registration, no timestamp and random (UUID) primary keys, so neither a join, nor the
  order of ids, nor the time of a row leads from an answer back to an invitation. What they
  keep is what the reports break down by: the event and the target group.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.models import TargetGroup

SCALE_MIN, SCALE_MAX = 1, 5


class Questionnaire(models.Model):
    programme = models.OneToOneField(
        "events.Programme", verbose_name=_("program"), on_delete=models.CASCADE, related_name="questionnaire"
    )
    title = models.CharField(_("cím"), max_length=200, default=_("Elégedettségi kérdőív"))
    introduction = models.TextField(_("bevezető szöveg"), blank=True)

    class Meta:
        verbose_name = _("elégedettségi kérdőív")
        verbose_name_plural = _("elégedettségi kérdőívek")

    def __str__(self):
        return f"{self.title} – {self.programme}"


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("ötfokú skála (1–5)")
    TEXT = "text", _("szabad szöveges válasz")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("kérdőív"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("sorrend"), default=0)
    kind = models.CharField(_("fajta"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    text = models.CharField(_("kérdés"), max_length=300)
    low_label = models.CharField(_("az 1-es jelentése"), max_length=60, blank=True)
    high_label = models.CharField(_("az 5-ös jelentése"), max_length=60, blank=True)
    required = models.BooleanField(_("kötelező"), default=False)

    class Meta:
        verbose_name = _("kérdés")
        verbose_name_plural = _("kérdések")
        ordering = ["questionnaire_id", "position", "id"]

    def __str__(self):
        return self.text

    @property
    def is_scale(self):
        return self.kind == QuestionKind.SCALE

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.pk:
            before = Question.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
            if before and before != self.kind and self.answers.exists():
                raise ValidationError({"kind": _("Megválaszolt kérdés fajtája nem változtatható; vegyen fel új kérdést.")})


class InvitationChannel(models.TextChoices):
    ONLINE = "online", _("e-mailben kapott link")
    PAPER = "paper", _("papíron, a koordinátor rögzítette")


class Invitation(models.Model):
    """One present participant of one event was invited; whether (not what) they answered."""

    registration = models.OneToOneField(
        "participants.Registration", verbose_name=_("jelentkezés"), on_delete=models.CASCADE,
        related_name="questionnaire_invitation",
    )
    created_at = models.DateTimeField(_("meghívva"), auto_now_add=True)
    answered_at = models.DateTimeField(_("válaszolt"), null=True, blank=True)
    answered_via = models.CharField(_("válasz módja"), max_length=10, choices=InvitationChannel.choices, blank=True)

    class Meta:
        verbose_name = _("kérdőív-meghívás")
        verbose_name_plural = _("kérdőív-meghívások")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_via="") | Q(answered_at__isnull=False) & ~Q(answered_via=""),
                name="invitation_answer_has_time_and_channel",
                violation_error_message=_("A megválaszolt meghívásnál meg kell adni a válasz idejét és módját."),
            ),
        ]

    def __str__(self):
        return f"{self.registration_id}: {self.answered_at or '–'}"


class Response(models.Model):
    """One filled-in questionnaire, with nothing that names or dates the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("kérdőív"), on_delete=models.PROTECT, related_name="responses"
    )
    info_day = models.ForeignKey(
        "events.InfoDay", verbose_name=_("információs nap"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="questionnaire_responses",
    )
    course = models.ForeignKey(
        "trainings.Course", verbose_name=_("képzés"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="questionnaire_responses",
    )
    target_group = models.CharField(_("célcsoport"), max_length=10, choices=TargetGroup.choices)

    class Meta:
        verbose_name = _("kitöltött kérdőív")
        verbose_name_plural = _("kitöltött kérdőívek")
        constraints = [
            models.CheckConstraint(
                condition=Q(info_day__isnull=False, course__isnull=True) | Q(info_day__isnull=True, course__isnull=False),
                name="response_one_event",
                violation_error_message=_("A kitöltött kérdőív pontosan egy eseményhez tartozik."),
            ),
        ]


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, verbose_name=_("kitöltés"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("kérdés"), on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("érték"), null=True, blank=True)
    text = models.TextField(_("szöveges válasz"), blank=True)

    class Meta:
        verbose_name = _("válasz")
        verbose_name_plural = _("válaszok")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question",
                                    violation_error_message=_("Erre a kérdésre ebben a kitöltésben már van válasz.")),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="answer_value_on_scale",
                violation_error_message=_("A skálás válasz 1 és 5 közötti egész szám."),
            ),
        ]
