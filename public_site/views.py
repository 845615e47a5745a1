"""Public pages: thin views over ``public.selectors`` (reads) and the participants services (writes)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from menet_portal.models import Role
from menet_portal.permissions import role_required, user_has_role

from participants import selectors as participant_selectors
from participants import services as participant_services

from . import certificates, personal_page, ratelimit, registration, regions_map, selectors, tokens
from .calendar import calendar_with_etag
from .forms import CancelForm, CertificateLookupForm, CertificateRevokeForm, CourseFilterForm, PublicRegistrationForm


def _programme_context():
    programme = selectors.current_programme()
    return programme, {"programme": programme}


@never_cache
@require_safe
def programme(request):
    programme, context = _programme_context()
    days = selectors.info_days(programme)
    trainings = selectors.courses(programme)
    context["figures"] = selectors.programme_figures(programme, days, trainings)
    return render(request, "public/programme.html", context)


@never_cache
@require_safe
def info_day_list(request):
    programme, context = _programme_context()
    days = selectors.info_days(programme)
    context.update(
        info_days=days, map_regions=regions_map.regions(), map_venues=regions_map.venues(days),
        map_width=regions_map.WIDTH, map_height=regions_map.HEIGHT, label_font=regions_map.LABEL_FONT,
        marker_radius=regions_map.MARKER_RADIUS, marker_font=regions_map.MARKER_FONT,
    )
    return render(request, "public/info_day_list.html", context)


@never_cache
@require_safe
def course_list(request):
    """The programme's courses, a page at a time, by region and by a settlement or library name."""
    programme, context = _programme_context()
    form = CourseFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    page, courses = selectors.course_page(programme, region=data.get("regio"), place=data.get("hely") or "",
                                          number=request.GET.get("oldal"))
    query = request.GET.copy()
    query.pop("oldal", None)
    if programme is not None:  # the lead: how many settlements' libraries, how long a course is
        context.update(settlements=selectors.course_settlement_count(programme),
                       course_hours=programme.sessions_per_course * programme.session_hours)
    context.update(courses=courses, page_obj=page, filter_form=form, filter_invalid=not valid,
                   filtered=bool(data.get("regio") or data.get("hely")), page_query=query.urlencode())
    return render(request, "public/course_list.html", context, status=200 if valid else 400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def info_day_detail(request, pk):
    return _register(request, selectors.info_day(pk))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def course_detail(request, pk):
    return _register(request, selectors.course(pk))


def _ics_response(request, etag: str, content: bytes, filename: str, *, disposition="attachment") -> HttpResponse:
    """The calendar, or 304 Not Modified to a client that already holds this content (its
    ``If-None-Match``): a subscribed calendar polls the feed every few hours. The feed is
    ``inline``: an attachment is ``no-store`` (NoStoreMiddleware), which a calendar client would
    have to fetch whole on every poll; it names no person, so it may be kept and asked again."""
    response = get_conditional_response(request, etag=quote_etag(etag))
    if response is None:
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = quote_etag(etag)
    response["Cache-Control"] = "no-cache"  # stored, but asked again (with If-None-Match) every time
    return response


@require_safe
def info_day_ics(request, pk):
    event = selectors.info_day(pk)
    if event is None:
        raise Http404(_("Nincs ilyen esemény."))
    etag, body = calendar_with_etag([event], name=event.title, cached=False)
    return _ics_response(request, etag, body, f"informacios-nap-{pk}.ics")


@require_safe
def course_ics(request, pk):
    event = selectors.course(pk)
    if event is None:
        raise Http404(_("Nincs ilyen esemény."))
    etag, body = calendar_with_etag([event], name=event.title, cached=False)
    return _ics_response(request, etag, body, f"kepzes-{pk}.ics")


@require_safe
def calendar_feed(request):
    programme = selectors.current_programme()
    events = selectors.info_days(programme) + selectors.courses(programme)
    etag, body = calendar_with_etag(events, name=_("MENET program – események"))
    return _ics_response(request, etag, body, "menet-esemenyek.ics", disposition="inline")


@require_safe
def privacy(request):
    return render(request, "public/privacy.html", {"consent_version": settings.CONSENT_TEXT_VERSION})


@require_safe
def accessibility(request):
    return render(request, "public/accessibility.html", {})


# --- Certificate verification -------------------------------------------------------------------

def _lookup_allowed(request) -> str | None:
    """None when the lookup may go ahead, else the Hungarian message saying why not."""
    try:
        ratelimit.check_and_count("certificate", [ratelimit.client_ip(request)], limit=settings.CERTIFICATE_LOOKUP_RATE)
    except ratelimit.RateLimited as exc:
        return str(exc)
    return None


@never_cache
@require_safe
def certificate_lookup(request):
    """A form for the code printed on the certificate; answers by redirecting to its page."""
    form = CertificateLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("public:certificate", code=certificates.normalise_code(form.cleaned_data["code"]))
    return render(request, "public/certificate_lookup.html", {"form": form})


@never_cache
@require_safe
def certificate_detail(request, code):
    refused = _lookup_allowed(request)
    if refused:
        return render(request, "public/certificate_detail.html", {"refused": refused, "form": CertificateLookupForm()},
                      status=429)
    certificate = certificates.find_certificate(code)
    context = {"certificate": certificate, "form": CertificateLookupForm(), "code": code}
    if certificate is None:
        return render(request, "public/certificate_detail.html", context, status=404)
    if user_has_role(request.user, (Role.STAFF,)):
        context["revoke_form"] = CertificateRevokeForm()
    return render(request, "public/certificate_detail.html", context)


@role_required(Role.STAFF)
@require_POST
def certificate_revoke(request, code):
    certificate = certificates.find_certificate(code)
    if certificate is None:
        raise Http404(_("Nincs ilyen tanúsítvány."))
    form = CertificateRevokeForm(request.POST)
    if form.is_valid():
        try:
            certificates.revoke_certificate(certificate=certificate, reason=form.cleaned_data["reason"],
                                            revoked_by=request.user)
        except certificates.CertificateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("A tanúsítványt visszavontuk."))
        return redirect("public:certificate", code=certificate.code)
    return render(request, "public/certificate_detail.html",
                  {"certificate": certificate, "form": CertificateLookupForm(), "revoke_form": form}, status=400)


# --- Self-registration, the opt-in link and the personal page ---------------------------------

def _registration_page(request, event, form, status=200):
    context = {"event": event, "programme": event.event.programme, "form": form,
               "hold_hours": settings.PUBLIC_HOLD_HOURS}
    if not event.accepts_registrations:
        context["other_events"] = selectors.other_events_in_region(event)
    return render(request, "public/event_detail.html", context, status=status)


def _register(request, event):
    if event is None:
        raise Http404(_("Nincs ilyen esemény."))
    if request.method != "POST":
        return _registration_page(request, event, PublicRegistrationForm() if event.accepts_registrations else None)
    if not event.accepts_registrations:
        return _registration_page(request, event, None, status=409)
    form = PublicRegistrationForm(request.POST)
    try:
        registration.count_attempt(ip=ratelimit.client_ip(request), email=request.POST.get("email", ""))
    except ratelimit.RateLimited as exc:
        form.is_valid()
        form.mark_errors()
        return render(request, "public/event_detail.html", {
            "event": event, "programme": event.event.programme, "form": form, "refused": str(exc),
            "hold_hours": settings.PUBLIC_HOLD_HOURS,
        }, status=429)
    if form.is_bot:
        # A honeypot filled in: answer like a success, record nothing.
        return render(request, "public/registration_sent.html", {"event": event, "bot": True,
                                                                 "hold_hours": settings.PUBLIC_HOLD_HOURS})
    if not form.is_valid():
        form.mark_errors()
        return _registration_page(request, event, form, status=400)
    try:
        result = registration.self_register(data=form.cleaned_data, event=event.event)
    except participant_services.EventNotOpen as exc:
        messages.error(request, str(exc))
        return _registration_page(request, selectors.refresh(event), None, status=409)
    except participant_services.RegistrationError as exc:
        form.add_error(None, str(exc))
        return _registration_page(request, event, form, status=400)
    position = participant_selectors.waiting_list_position(result) if result.status == "waitlisted" else None
    return render(request, "public/registration_sent.html", {
        "event": event, "waitlisted": position is not None, "position": position,
        "hold_hours": settings.PUBLIC_HOLD_HOURS, "hold_until": result.hold_until,
    })


def _bad_link():
    raise tokens.BadLink()


def signed_link(view):
    """A tampered, expired or foreign signed link answers a Hungarian 404 that says what to do
    (the portal's general 404 speaks of libraries, which means nothing to a participant)."""
    import functools

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except tokens.BadLink:
            return render(request, "public/bad_link.html", {}, status=404)
    return wrapper


@signed_link
@never_cache
@require_safe
def confirm(request, token):
    try:
        found = tokens.registration_from_opt_in(token)
    except tokens.BadLink:
        _bad_link()
    outcome = registration.confirm(registration=found)
    if outcome.expired:
        event = selectors.for_event(found.event)
        return render(request, "public/confirm_expired.html", {
            "event": event, "token": token, "hold_hours": settings.PUBLIC_HOLD_HOURS, "refused": outcome.refused,
            "other_events": selectors.other_events_in_region(event),
            "personal_token": tokens.personal_token(found.participant),
        })
    messages.success(request, _("Köszönjük, megerősítette a jelentkezését."))
    return redirect("public:personal", token=tokens.personal_token(found.participant))


@signed_link
@never_cache
@require_POST
def rejoin(request, token):
    try:
        found = tokens.registration_from_opt_in(token)
    except tokens.BadLink:
        _bad_link()
    try:
        registration.rejoin_after_expiry(registration=found)
    except participant_services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Újra jelentkezett. Az állapotát lent látja."))
    return redirect("public:personal", token=tokens.personal_token(found.participant))


def _participant(token):
    return tokens.participant_from_personal(token)  # tokens.BadLink: the view answers 404


def _personal_page(request, participant, token, status=200, refused=None):
    return render(request, "public/personal.html", {
        "participant": participant, "token": token, "refused": refused,
        "rows": personal_page.rows(participant, token=token), "cancel_form": CancelForm(),
    }, status=status)


@signed_link
@never_cache
@require_safe
def personal(request, token):
    return _personal_page(request, _participant(token), token)


PERSONAL_DATA_FORMATS = {"json": ("application/json; charset=utf-8", "JSON"), "pdf": ("application/pdf", "PDF")}


@signed_link
@never_cache
@require_POST
def personal_data(request, token):
    """'Ask for my data': the person downloads everything held about them (``privacy.services.export_person``,
    the staff's export), logged as self-service. Counted per client IP and per person."""
    from privacy import services as privacy_services
    from privacy.models import AccessAction

    participant = _participant(token)
    fmt = request.POST.get("format", "")
    if fmt not in PERSONAL_DATA_FORMATS:
        messages.error(request, _("Válassza ki, milyen formában kéri az adatait (JSON vagy PDF)."))
        return _personal_page(request, participant, token, status=400)
    try:
        ratelimit.check_and_count("personal_data", [f"ip:{ratelimit.client_ip(request)}", f"person:{participant.pk}"],
                                  limit=settings.PERSONAL_DATA_RATE)
    except ratelimit.RateLimited as exc:
        return _personal_page(request, participant, token, status=429, refused=str(exc))
    if fmt == "json":
        import json

        content = json.dumps(privacy_services.export_person(participant), ensure_ascii=False, indent=2)
    else:
        content = privacy_services.export_person_pdf(participant)
    content_type, label = PERSONAL_DATA_FORMATS[fmt]
    # No request path: it carries the signed link, which must not end up in the log staff read.
    privacy_services.log_access(user=None, action=AccessAction.SELF_EXPORT, participants=[participant.pk],
                                description=_("%(format)s, a saját oldalról") % {"format": label})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="szemelyes-adataim.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@signed_link
@never_cache
@require_POST
def personal_cancel(request, token, pk):
    participant = _participant(token)
    found = participant.registrations.filter(pk=pk).first()
    if found is None:
        _bad_link()
    form = CancelForm(request.POST)
    form.is_valid()
    reason = (form.cleaned_data.get("reason") or "").strip() or _("A résztvevő a saját oldalán lemondta.")
    try:
        participant_services.cancel_registration(registration=found, reason=reason)
    except participant_services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Lemondta a jelentkezését. Köszönjük, hogy szólt: a helyét más kaphatja meg."))
    return redirect("public:personal", token=token)


@signed_link
@never_cache
@require_safe
def personal_certificate(request, token, pk):
    """The person's own certificate as PDF: the same document staff print, with its code and QR."""
    from reports.documents import KINDS
    from reports.documents.rendering import html_to_pdf
    from reports.models import ReportKind

    participant = _participant(token)
    found = participant.registrations.filter(pk=pk, course__isnull=False, certificate__isnull=False).first()
    if found is None:
        _bad_link()
    spec = KINDS[ReportKind.CERTIFICATE].build("registration", found)
    pdf = html_to_pdf(spec.html())
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tanusitvany-{found.certificate.code}.pdf"'
    return response
