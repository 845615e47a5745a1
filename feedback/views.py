"""Questionnaire pages: the public answer page (signed link, no login), paper entry and the
non-respondent list for the event's coordinator, results and free texts for MKE staff.

Events come from the user's scope (menet_portal.scope): another library's id answers 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from menet_portal.models import Role
from menet_portal.permissions import role_required, user_has_role
from menet_portal.scope import COURSE_SLUG, INFO_DAY_SLUG, event_for
from reports import charts
from reports.selectors import current_programme

from . import selectors, services
from .forms import PaperQuestionnaireForm, QuestionnaireForm

INFO_DAY, COURSE = INFO_DAY_SLUG, COURSE_SLUG


def _event(request, kind, pk):
    return event_for(request.user, kind, pk)


def event_kind(event):
    from events.models import InfoDay

    return INFO_DAY if isinstance(event, InfoDay) else COURSE


@never_cache
def answer(request, token):
    """The personal link from the e-mail: answer once, no login."""
    try:
        invitation = services.invitation_from_token(token)
    except services.BadToken:
        raise Http404 from None
    registration = invitation.registration
    if registration.participant.anonymised_at:
        raise Http404
    event = services.event_of(registration)
    programme = services.programme_of(event)
    questionnaire = services.questionnaire_for(programme)
    context = {"event": event, "programme": programme, "questionnaire": questionnaire}
    if invitation.answered_at:
        return render(request, "feedback/answer_done.html", {**context, "already": True})
    form = QuestionnaireForm(request.POST or None, questionnaire=questionnaire)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_online(invitation=invitation, data=form.answers())
            except services.AlreadyAnswered:
                return render(request, "feedback/answer_done.html", {**context, "already": True})
            except services.QuestionnaireError as exc:
                error = " ".join(exc.messages)
            else:
                return render(request, "feedback/answer_done.html", {**context, "already": False})
        else:
            error = _("A válaszokat nem mentettük: nézze át a jelölt kérdéseket.")
    return render(request, "feedback/answer.html", {**context, "form": form, "error": error})


@role_required(Role.STAFF, Role.COORDINATOR)
@never_cache
def paper_entry(request, kind, pk):
    """A paper questionnaire keyed in: staff, or the coordinator of the event's library."""
    from participants import services as participant_services

    event = _event(request, kind, pk)
    questionnaire = services.questionnaire_for(services.programme_of(event))
    is_coordinator = user_has_role(request.user, (Role.COORDINATOR,))
    respondents = list(selectors.non_respondents(request.user, event)) if is_coordinator else []
    form = PaperQuestionnaireForm(request.POST or None, questionnaire=questionnaire, respondents=respondents)
    form_token = request.POST.get("form_token") or participant_services.new_form_token()
    error = ""
    if request.method == "POST" and _already_submitted(form_token, request.user):
        messages.info(request, _("Ezt a kérdőívet már rögzítette."))
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        respondent = None
        if form.cleaned_data.get("respondent"):
            respondent = next(i.registration for i in respondents
                              if str(i.registration_id) == form.cleaned_data["respondent"])
        try:
            from django.db import transaction

            with transaction.atomic():
                submission = participant_services.claim_form_token(token=form_token, user=request.user)
                services.record_paper_response(
                    event=event, data=form.answers(), recorded_by=request.user, respondent=respondent,
                    target_group=form.cleaned_data.get("target_group") or "")
                participant_services.finish_form_token(submission, request.path)
        except participant_services.AlreadySubmitted:
            messages.info(request, _("Ezt a kérdőívet már rögzítette."))
            return redirect(request.path)
        except (services.QuestionnaireError, participant_services.RegistrationError) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("A papíron kitöltött kérdőívet rögzítettük."))
            return redirect(request.path)
    elif request.method == "POST":
        error = _("A válaszokat nem mentettük: nézze át a jelölt kérdéseket.")
    result = selectors.event_results(event)
    return render(request, "feedback/paper_entry.html", {
        "event": event, "kind": kind, "form": form, "error": error, "form_token": form_token, "result": result,
        "questionnaire": questionnaire, "is_coordinator": is_coordinator,
    })


def _already_submitted(token, user):
    """A double click sends the same form token again: answered by the first submit's result."""
    from participants.models import FormSubmission

    return FormSubmission.objects.filter(token=(token or "")[:64], user=user).exists()


@role_required(Role.COORDINATOR)
@never_cache
def non_respondents(request, kind, pk):
    """Who of the present participants has not answered yet: the event's coordinator only."""
    event = _event(request, kind, pk)
    return render(request, "feedback/non_respondents.html", {
        "event": event, "kind": kind, "rows": selectors.non_respondents(request.user, event),
        "result": selectors.event_results(event),
    })


def _chart(result, font_family=charts.WEB_FONT, width=560):
    rows = [(q.question.text, q.distribution) for q in result.questions if q.count]
    return charts.distribution_bars(rows, width=width, label_width=220, font_family=font_family) if rows else ""


@role_required(Role.STAFF)
def results(request):
    """MKE staff: response rate, mean and distribution per question, by region, target group, site, event."""
    programme = current_programme()
    if programme is None:
        raise Http404
    data = selectors.programme_results(programme)
    return render(request, "feedback/results.html", {
        "programme": programme, "results": data, "chart": _chart(data.total), "min_responses": selectors.MIN_RESPONSES,
    })


@role_required(Role.STAFF)
def event_detail(request, kind, pk):
    """MKE staff: one event's results and its free-text answers (never shown to the funder)."""
    event = _event(request, kind, pk)
    result = selectors.event_results(event)
    return render(request, "feedback/event.html", {
        "event": event, "kind": kind, "result": result, "chart": _chart(result) if result.shown else "",
        "texts": selectors.free_texts(event), "min_responses": selectors.MIN_RESPONSES,
    })


@role_required(Role.STAFF)
def edit(request):
    """The programme's questionnaire in the admin (created with the default questions first)."""
    programme = current_programme()
    if programme is None:
        raise Http404
    questionnaire = services.questionnaire_for(programme)
    return redirect(reverse("admin:feedback_questionnaire_change", args=[questionnaire.pk]))
