"""Training delivery pages: trainer home, courses, registers, walk-ins, progress, learning material.

Every page starts from a scoped queryset (menet_portal.scope), so an id from another
library or another trainer's course answers 404. Rules live in services.py.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events.models import EventStatus
from events.selectors import with_registration_counts
from evidence.selectors import register_panel
from menet_portal.models import Role
from menet_portal.paging import IdsFirstPaginator
from menet_portal.permissions import role_required, user_has_role
from menet_portal.scope import courses_for, info_days_for, sessions_for

from . import selectors, services
from .completion import completed_counts_by_course, course_completion_summary
from .forms import QuizForm, RegisterForm, WalkInForm
from participants.models import Registration, RegistrationStatus

from .models import AttendanceStatus, Course, MaterialLink, Question, Session
from .rendering import render_lesson_markdown

DELIVERY_ROLES = (Role.STAFF, Role.COORDINATOR, Role.TRAINER)


def _sessions_with_state(sessions):
    now = timezone.now()
    sessions = list(sessions)
    for session in sessions:
        session.register_state = selectors.session_register_state(session, now)
    return sessions


def _info_days_with_state(info_days):
    now = timezone.now()
    info_days = list(info_days)
    for info_day in info_days:
        info_day.register_state = selectors.info_day_register_state(info_day, now)
    return info_days


@role_required(Role.TRAINER)
def trainer_home(request):
    """The trainer's courses: sessions with their register state, trainees, completions, material progress."""
    courses = courses_for(request.user)
    completed = completed_counts_by_course(courses)
    sessions_qs = selectors.annotate_session_registers(Session.objects.order_by("number"))
    course_list = list(
        with_registration_counts(courses).prefetch_related(Prefetch("sessions", queryset=sessions_qs)).order_by(
            "title"
        )
    )
    learners = selectors.learners_by_course(courses)
    missing = []
    for course in course_list:
        course.session_list = _sessions_with_state(course.sessions.all())
        course.completed_count = completed.get(course.pk, 0)
        course.learner_count = learners.get(course.pk, 0)
        missing += [s for s in course.session_list if s.register_state == selectors.RegisterState.MISSING]
    return render(request, "trainings/trainer_home.html", {"courses": course_list, "missing": missing})


@role_required(Role.STAFF, Role.COORDINATOR)
def course_list(request):
    """Courses in the user's scope with fill, completions and missing registers.

    A page of 50 courses; the fill, the completions and the missing registers are counted for that
    page's courses only (for the 1,930 courses of a national programme that was 10 statements of
    completions and a grouped join of every registration: ≈ 0.6 s), the missing total for all."""
    from events.forms import EventListFilter

    courses = courses_for(request.user)
    # Staff see every programme's courses (ten waves of 193 nationally): the latest programme
    # first, narrowed by programme and by a search in the title, library and settlement.
    filtering = "programme" in request.GET or "q" in request.GET
    event_filter = EventListFilter(request.GET if filtering else None, staff=user_has_role(request.user, (Role.STAFF,)))
    listed = courses
    if event_filter.is_valid():
        listed = event_filter.filter_courses(courses)
    elif event_filter.is_bound:
        messages.error(request, _("Hibás szűrési feltétel: javítsa a jelölt mezőt. A listák szűretlenek."))
    page = Paginator(
        listed.select_related("site__library", "site__programme").order_by(
            "-site__programme__start_date", "site__library__settlement", "title", "pk"), 50,
    ).get_page(request.GET.get("page"))
    shown = Course.objects.filter(pk__in=[course.pk for course in page])
    completed = completed_counts_by_course(shown)
    missing = dict(
        selectors.sessions_missing_register(Session.objects.filter(course__in=shown))
        .order_by()
        .values_list("course_id")
        .annotate(n=Count("id"))
    )
    # From the registrations of these courses (the places' index), not a join of every course row
    # to all 135,000 registrations, which PostgreSQL hashed (28 ms).
    fill = {row["course_id"]: row for row in (
        Registration.objects.filter(course__in=shown, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
        .order_by().values("course_id")
        .annotate(confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
                  waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)))
    )}
    for course in page:
        course.confirmed_count = fill.get(course.pk, {}).get("confirmed", 0)
        course.waitlisted_count = fill.get(course.pk, {}).get("waitlisted", 0)
        course.completed_count = completed.get(course.pk, 0)
        course.missing_count = missing.get(course.pk, 0)
    missing_sessions = selectors.sessions_missing_register(Session.objects.filter(course__in=courses.values("pk")))
    missing_info_days = selectors.info_days_missing_register(info_days_for(request.user)).count()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "trainings/course_list.html", {
        "page": page, "missing_total": missing_sessions.count() + missing_info_days,
        "event_filter": event_filter, "page_query": query.urlencode(),
    })


@role_required(*DELIVERY_ROLES)
def course_detail(request, pk):
    """A course: sessions with register state, trainees with the attendance grid and completion."""
    course = get_object_or_404(courses_for(request.user).prefetch_related("trainers"), pk=pk)
    sessions = _sessions_with_state(
        selectors.annotate_session_registers(course.sessions.all()).order_by("number")
    )
    trainees = list(selectors.course_trainees(course))
    return render(request, "trainings/course_detail.html", {
        "course": course,
        "programme": course.site.programme,
        "sessions": sessions,
        "grid": selectors.attendance_grid(course, trainees, sessions),
        "summary": course_completion_summary(course),
        "can_issue_links": user_has_role(request.user, (Role.STAFF, Role.TRAINER)),
        "can_revoke_links": user_has_role(request.user, (Role.STAFF,)),
    })


@role_required(*DELIVERY_ROLES)
def course_progress(request, pk):
    """The trainer's progress table: per trainee, each lesson read and its self-check score."""
    course = get_object_or_404(courses_for(request.user), pk=pk)
    lessons, rows = selectors.progress_table(course)
    return render(request, "trainings/course_progress.html", {"course": course, "lessons": lessons, "rows": rows})


REGISTERS_PER_PAGE = 50


@role_required(*DELIVERY_ROLES)
def register_overview(request):
    """Every register in scope with its state; ``?hianyzik=1`` lists only the missing ones."""
    only_missing = request.GET.get("hianyzik") == "1"
    sessions = sessions_for(request.user)
    info_days = info_days_for(request.user) if not user_has_role(request.user, (Role.TRAINER,)) else None
    if only_missing:
        session_qs = selectors.sessions_missing_register(sessions)
        info_day_qs = (selectors.annotate_info_day_registers(selectors.info_days_missing_register(info_days))
                       if info_days is not None else None)
    else:
        session_qs = sessions
        info_day_qs = selectors.annotate_info_day_registers(info_days) if info_days is not None else None
    number = request.GET.get("page")
    if number is None and not only_missing:  # opens at today's sessions, not ten years back (nationally)
        today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
        number = session_qs.filter(starts_at__lt=today).order_by().count() // REGISTERS_PER_PAGE + 1
    # The page's sessions by their ids first, then only those 50 with the register's state and
    # size: over the whole list PostgreSQL computed both for every session the OFFSET skips
    # (today's page nationally: 7,150 sessions, 108 ms of SQL).
    session_page = IdsFirstPaginator(
        session_qs.order_by("starts_at", "course__title", "pk"), REGISTERS_PER_PAGE,
        select_related=("course__site__library",), rows=selectors.annotate_session_registers,
    ).get_page(number)
    session_page.object_list = _sessions_with_state(session_page.object_list)
    info_day_list = (
        _info_days_with_state(info_day_qs.select_related("library").order_by("date"))
        if info_day_qs is not None else None
    )
    missing_sessions = selectors.sessions_missing_register(sessions).count()
    missing_info_days = selectors.info_days_missing_register(info_days).count() if info_days is not None else 0
    return render(request, "trainings/register_overview.html", {
        "only_missing": only_missing,
        "session_page": session_page,
        "info_days": info_day_list,
        "missing_total": missing_sessions + missing_info_days,
    })


def _confirm_waiting(request, event):
    """POST ``confirm_waiting=<registration id>``: a waiting person came. Returns (redirect or None, error)."""
    target = event.course if isinstance(event, Session) else event
    registration = get_object_or_404(
        Registration.objects.filter(**({"course": target} if isinstance(event, Session) else {"info_day": target})),
        pk=request.POST.get("confirm_waiting") if str(request.POST.get("confirm_waiting", "")).isdigit() else None,
    )
    try:
        registration = services.confirm_waiting_attendee(event=event, registration=registration,
                                                         recorded_by=request.user)
    except services.AttendanceError as exc:
        return None, str(exc)
    messages.success(request, _("%(name)s a várólistáról helyet kapott és jelenlévőnek jelöltük.")
                     % {"name": registration.participant.full_name})
    return redirect(request.path), ""


def _register_page(request, event, *, template_context, walk_in_form=None, walk_in_error=""):
    open_now = services.register_is_open(event)
    waiting_error = ""
    if request.method == "POST" and "confirm_waiting" in request.POST and open_now:
        response, waiting_error = _confirm_waiting(request, event)
        if response is not None:
            return response
    rows, waiting = selectors.register_people(event, with_waiting=open_now)
    form = RegisterForm(request.POST if request.method == "POST" and "save_register" in request.POST else None, rows=rows)
    register_error = ""
    if form.is_bound:
        if form.is_valid():
            try:
                changed = services.record_attendance(event=event, statuses=form.statuses(), recorded_by=request.user)
            except services.AttendanceError as exc:
                register_error = str(exc)
            else:
                messages.success(request, _("A jelenléti ív elmentve (%(n)s változás).") % {"n": changed})
                return redirect(request.path)
        else:
            register_error = _("A jelenléti ív nincs elmentve: nézze át a jelölt sorokat.")
    return render(request, "trainings/register.html", {
        **template_context,
        "event": event,
        "form": form,
        # The radios of each row, written out in the template instead of through the RadioSelect
        # widget's per-option rendering (15 rows × 4 options): same names, values and ids.
        "register_rows": form.table_rows([(value, str(label)) for value, label in AttendanceStatus.choices]),
        "open_now": open_now,
        "starts_at": services.event_starts_at(event),
        "history": selectors.register_history(event, known=[*rows, *waiting]),
        "walk_in_form": walk_in_form,
        # Errors are shown beside the form they belong to (the page scrolls there: #anchor).
        "register_error": register_error,
        "walk_in_error": walk_in_error,
        "waiting_error": waiting_error,
        "waiting": waiting,
        "evidence": register_panel(event) if open_now else None,  # signatures collected on the tablet
    })


@role_required(*DELIVERY_ROLES)
@never_cache
def session_register(request, pk):
    session = get_object_or_404(sessions_for(request.user).select_related("course__site__programme"), pk=pk)
    return _register_page(request, session, template_context={"session": session, "course": session.course})


@role_required(Role.STAFF, Role.COORDINATOR)
@never_cache
def info_day_register(request, pk):
    info_day = get_object_or_404(info_days_for(request.user), pk=pk)
    walk_in_form = None
    walk_in_error = ""
    if services.register_is_open(info_day) and info_day.status != EventStatus.CANCELLED:
        walk_in_form = WalkInForm(request.POST if request.method == "POST" and "add_walk_in" in request.POST else None)
        if walk_in_form.is_bound:
            if walk_in_form.is_valid():
                try:
                    registration = services.add_walk_in(
                        info_day=info_day, data=walk_in_form.cleaned_data, recorded_by=request.user
                    )
                except (services.AttendanceError, ValidationError) as exc:
                    walk_in_error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                else:
                    messages.success(request, _("%(name)s regisztrálva és jelenlévőnek jelölve.")
                                     % {"name": registration.participant.full_name})
                    return redirect(request.path)
            else:
                walk_in_error = _("A helyszíni regisztráció nincs elmentve: javítsa a jelölt mezőket.")
    return _register_page(
        request, info_day, template_context={"info_day": info_day, "availability": services.availability(info_day)},
        walk_in_form=walk_in_form, walk_in_error=walk_in_error,
    )


@role_required(Role.STAFF, Role.TRAINER)
@require_POST
def issue_links(request, pk):
    course = get_object_or_404(courses_for(request.user).select_related("site__programme"), pk=pk)
    count = services.issue_material_links_for_course(course=course, issued_by=request.user)
    messages.success(request, _("%(n)s új tananyag-link kiadva.") % {"n": count})
    return redirect("trainings:course_detail", pk=course.pk)


@role_required(Role.STAFF)
@require_POST
def revoke_link(request, pk):
    link = get_object_or_404(MaterialLink.objects.select_related("registration__participant"), pk=pk)
    services.revoke_material_link(link=link, revoked_by=request.user)
    messages.success(request, _("%(name)s tananyag-linkje visszavonva.") % {"name": link.registration.participant})
    return redirect("trainings:course_detail", pk=link.registration.course_id)


# --- The trainee's learning material (personal link, no password) -------------------------------


@never_cache
def material_home(request, token):
    link = selectors.active_link_or_404(token)
    registration = link.registration
    services.touch_material_link(link=link)
    modules = list(selectors.published_material(registration.course.site.programme))
    progress = {p.lesson_id: p for p in registration.lesson_progress.all()}
    lesson_count = read_count = 0
    for module in modules:
        for lesson in module.lessons.all():
            lesson.my_progress = progress.get(lesson.pk)
            lesson_count += 1
            read_count += bool(lesson.my_progress and lesson.my_progress.read_at)
    return render(request, "trainings/material_home.html", {
        "link": link, "registration": registration, "course": registration.course, "modules": modules,
        "lesson_count": lesson_count, "read_count": read_count,
    })


@never_cache
def material_lesson(request, token, lesson_pk):
    link = selectors.active_link_or_404(token)
    registration = link.registration
    programme = registration.course.site.programme
    lessons = selectors.material_lessons(programme)
    index = next((i for i, lesson in enumerate(lessons) if lesson.pk == lesson_pk), None)
    if index is None:
        raise Http404
    lesson = lessons[index]
    services.touch_material_link(link=link)
    questions = Question.objects.filter(lesson=lesson).prefetch_related("choices").order_by("position", "id")
    result = None
    quiz_form = QuizForm(request.POST if request.method == "POST" and "check_quiz" in request.POST else None,
                         questions=questions)
    if request.method == "POST" and "mark_read" in request.POST:
        services.mark_lesson_read(registration=registration, lesson=lesson)
        # Back to the same place on the page: the confirmation and, below it, the self-check.
        return redirect(reverse("trainings:material_lesson", args=[token, lesson.pk]) + "#read")
    if quiz_form.is_bound:
        if quiz_form.is_valid():
            try:
                result = services.submit_quiz(registration=registration, lesson=lesson, answers=quiz_form.answers())
            except services.QuizError as exc:
                messages.error(request, str(exc))
    else:
        services.record_lesson_opened(registration=registration, lesson=lesson)
    progress = registration.lesson_progress.filter(lesson=lesson).first()
    quiz_items = [
        (question, field, result.by_question.get(question.pk) if result else None)
        for question, field in quiz_form.bound_questions()
    ]
    return render(request, "trainings/material_lesson.html", {
        "link": link, "registration": registration, "lesson": lesson, "body": render_lesson_markdown(lesson.body),
        "images": lesson.images.all(), "quiz_form": quiz_form, "quiz_items": quiz_items, "result": result, "progress": progress,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "position": index + 1, "lesson_count": len(lessons),
    })
