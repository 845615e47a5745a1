"""Read side of the questionnaire: results (aggregates only) and the non-respondent list.

Results never name a person: they are counted from ``Response``/``Answer`` (which hold no
person) against the number of invitations. A row with fewer than ``MIN_RESPONSES`` answers
shows its counts but not its mean and distribution, so one person's answer can't be read off
a small event or target group. Free-text answers are read by ``free_texts`` for MKE staff only.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import InfoDay, Library, Region
from menet_portal import scope
from menet_portal.db import hungarian_name_order
from participants.models import TargetGroup
from trainings.models import Course

from .models import SCALE_MAX, SCALE_MIN, Answer, Invitation, QuestionKind, Questionnaire, Response
from .services import questionnaire_for

MIN_RESPONSES = 3
POINTS = list(range(SCALE_MIN, SCALE_MAX + 1))

COLUMNS = {"region": _("Régió"), "target_group": _("Célcsoport"), "site": _("Helyszín"), "event": _("Esemény")}
DIMENSIONS = {
    "region": (_("Régiónként"), Coalesce("info_day__region_id", "course__site__library__county__region_id")),
    "target_group": (_("Célcsoportonként"), None),
    "site": (_("Helyszínenként (könyvtár)"), Coalesce("info_day__library_id", "course__site__library_id")),
    "event": (_("Eseményenként"), None),
}


@dataclass
class QuestionResult:
    question: object
    distribution: list  # counts for 1..5
    count: int = 0
    mean: float | None = None


@dataclass
class ResultRow:
    key: object
    label: str
    invited: int
    responses: int
    questions: list = field(default_factory=list)  # QuestionResult per scale question
    url: str = ""

    @property
    def rate(self):
        return min(round(100 * self.responses / self.invited), 100) if self.invited else None

    @property
    def shown(self):
        return self.responses >= MIN_RESPONSES


@dataclass
class ProgrammeResults:
    questionnaire: object
    scale_questions: list
    total: ResultRow
    breakdowns: list  # (dimension key, title, column heading, rows)

    def breakdown(self, key):
        return next(rows for k, _t, _c, rows in self.breakdowns if k == key)


def _question_results(scale_questions, counts):
    results = []
    for question in scale_questions:
        distribution = [counts.get((question.pk, p), 0) for p in POINTS]
        n = sum(distribution)
        mean = round(sum(p * c for p, c in zip(POINTS, distribution)) / n, 2) if n else None
        results.append(QuestionResult(question=question, distribution=distribution, count=n, mean=mean))
    return results


def _programme_responses(programme):
    return Response.objects.filter(Q(info_day__programme=programme) | Q(course__site__programme=programme))


def _programme_invitations(programme):
    return Invitation.objects.filter(
        Q(registration__info_day__programme=programme) | Q(registration__course__site__programme=programme))


def _grouped(dimension, responses, invitations):
    """{key: responses}, {key: invited}, {(key, question, value): n} for one dimension."""
    if dimension == "event":
        r_key, i_key, a_key = ("info_day_id", "course_id"), ("registration__info_day_id", "registration__course_id"), (
            "response__info_day_id", "response__course_id")
        answers = Answer.objects.filter(response__in=responses.values("pk")).values(*a_key, "question_id", "value")
        responses = responses.values(*r_key)
        invitations = invitations.values(*i_key)

        def key_of(row, keys):
            return ("info_day", row[keys[0]]) if row[keys[0]] else ("course", row[keys[1]])
    else:
        if dimension == "target_group":
            r_expr, i_expr, a_expr = F("target_group"), F("registration__participant__target_group"), F(
                "response__target_group")
        else:
            expr = DIMENSIONS[dimension][1]
            r_expr = expr
            i_expr = Coalesce(*[f"registration__{e.name}" for e in expr.source_expressions])
            a_expr = Coalesce(*[f"response__{e.name}" for e in expr.source_expressions])
        answers = Answer.objects.filter(response__in=responses.values("pk")).annotate(k=a_expr).values(
            "k", "question_id", "value")
        responses = responses.annotate(k=r_expr).values("k")
        invitations = invitations.annotate(k=i_expr).values("k")

        def key_of(row, keys):
            return row["k"]
        r_key = i_key = a_key = None
    response_counts = {key_of(r, r_key): r["n"] for r in responses.annotate(n=Count("pk")).order_by()}
    invited_counts = {key_of(r, i_key): r["n"] for r in invitations.annotate(n=Count("pk")).order_by()}
    answer_counts = {}
    for row in answers.filter(value__isnull=False).annotate(n=Count("pk")).order_by():
        answer_counts[(key_of(row, a_key), row["question_id"], row["value"])] = row["n"]
    return response_counts, invited_counts, answer_counts


def _labels(dimension, keys):
    if dimension == "region":
        return {r.pk: r.name for r in Region.objects.filter(pk__in=keys)}
    if dimension == "site":
        return {lib.pk: f"{lib.name} ({lib.settlement})" for lib in Library.objects.filter(pk__in=keys)}
    if dimension == "target_group":
        return {g.value: str(g.label) for g in TargetGroup}
    day_ids = [pk for kind, pk in keys if kind == "info_day"]
    course_ids = [pk for kind, pk in keys if kind == "course"]
    labels = {("info_day", d.pk): f"{d} ({date_format(d.date, 'Y. F j.')})" for d in InfoDay.objects.filter(pk__in=day_ids)}
    labels.update({("course", c.pk): f"{c} ({c.site.library.settlement})"
                   for c in Course.objects.filter(pk__in=course_ids).select_related("site__library")})
    return labels


def _questionnaire_with_counts(programme):
    """The programme's questionnaire with its response and invitation counts, in one query (plus
    one for its questions); None while nobody has made it (no invitation was ever written)."""
    responses = Response.objects.filter(questionnaire_id=OuterRef("pk")).order_by().values("questionnaire_id")
    invitations = _programme_invitations(programme).order_by().annotate(g=Value(1)).values("g")
    return (Questionnaire.objects.filter(programme=programme)
            .annotate(n_responses=Coalesce(Subquery(responses.annotate(n=Count("pk")).values("n")), 0),
                      n_invited=Coalesce(Subquery(invitations.annotate(n=Count("pk")).values("n")), 0))
            .prefetch_related("questions").first())


def programme_results(programme, *, dimensions=("region", "target_group", "site", "event")) -> ProgrammeResults:
    """Response rate, mean and distribution per scale question, overall and per dimension."""
    questionnaire = _questionnaire_with_counts(programme)
    if questionnaire is None:
        if not dimensions:  # the dashboard: nothing answered yet, and nothing written on a GET
            return ProgrammeResults(questionnaire=None, scale_questions=[], breakdowns=[],
                                    total=ResultRow(key=None, label=str(_("Összesen")), invited=0, responses=0))
        questionnaire_for(programme)
        questionnaire = _questionnaire_with_counts(programme)
    scale_questions = [q for q in questionnaire.questions.all() if q.kind == QuestionKind.SCALE]
    responses = _programme_responses(programme)
    invitations = _programme_invitations(programme)
    totals = {}
    for row in Answer.objects.filter(response__questionnaire=questionnaire, value__isnull=False).values(
            "question_id", "value").annotate(n=Count("pk")).order_by():
        totals[(row["question_id"], row["value"])] = row["n"]
    total = ResultRow(key=None, label=str(_("Összesen")), invited=questionnaire.n_invited,
                      responses=questionnaire.n_responses, questions=_question_results(scale_questions, totals))
    breakdowns = []
    for dimension in dimensions:
        response_counts, invited_counts, answer_counts = _grouped(dimension, responses, invitations)
        keys = sorted(set(response_counts) | set(invited_counts), key=str)
        labels = _labels(dimension, keys)
        rows = []
        for key in keys:
            counts = {(q, v): n for (k, q, v), n in answer_counts.items() if k == key}
            row = ResultRow(key=key, label=labels.get(key, "–"), invited=invited_counts.get(key, 0),
                            responses=response_counts.get(key, 0),
                            questions=_question_results(scale_questions, counts))
            if dimension == "event":
                from django.urls import reverse

                kind = "informacios-nap" if key[0] == "info_day" else "kepzes"
                row.url = reverse("feedback:event", kwargs={"kind": kind, "pk": key[1]})
            rows.append(row)
        rows.sort(key=lambda r: r.label)
        breakdowns.append((dimension, DIMENSIONS[dimension][0], COLUMNS[dimension], rows))
    return ProgrammeResults(questionnaire=questionnaire, scale_questions=scale_questions, total=total,
                            breakdowns=breakdowns)


def event_results(event) -> ResultRow:
    from .services import _event_filter, programme_of

    questionnaire = questionnaire_for(programme_of(event))
    scale_questions = [q for q in questionnaire.questions.all() if q.kind == QuestionKind.SCALE]
    responses = Response.objects.filter(_event_filter(event))
    counts = {(r["question_id"], r["value"]): r["n"] for r in Answer.objects.filter(
        response__in=responses, value__isnull=False).values("question_id", "value").annotate(n=Count("pk")).order_by()}
    return ResultRow(key=event.pk, label=str(event), responses=responses.count(),
                     invited=Invitation.objects.filter(_event_filter(event, "registration__")).count(),
                     questions=_question_results(scale_questions, counts))


def free_texts(event):
    """The free-text answers of one event (MKE staff only: the view checks the role), in no
    particular order that could follow the order of answering."""
    from .services import _event_filter

    return list(Answer.objects.filter(_event_filter(event, "response__"), value__isnull=True)
                .exclude(text="").select_related("question").order_by("question__position", "text"))


def non_respondents(user, event):
    """Present participants of ``event`` who were invited and have not answered: the event's
    coordinator only (staff, trainers and the funder get nothing: answers and names never meet)."""
    from .services import _event_filter

    registrations = scope.registrations_for(user).filter(_event_filter(event))
    return (Invitation.objects.filter(registration__in=registrations.values("pk"), answered_at__isnull=True)
            .select_related("registration__participant")
            .order_by(*hungarian_name_order("registration__participant__")))
