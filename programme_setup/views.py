"""MKE staff's set-up screens. Thin: a form checks the input, a service saves it with its rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from events.forms import EventListFilter
from events.models import InfoDay
from events.services import save_info_day
from events.tables import KIND_SLUGS
from menet_portal.db import count_of
from menet_portal.models import Role, User
from menet_portal.paging import list_page
from menet_portal.permissions import role_required
from menet_portal.scope import courses_for, info_days_for
from menet_portal.services import save_account
from participants.services import availability
from trainings.models import Course, Session, TrainingSite
from trainings.services import CourseSetupError, save_course

from .forms import AccountForm, CourseForm, InfoDayForm, TrainingSiteForm, session_formset
from .history import change_log, merged_log

staff_only = role_required(Role.STAFF)


def _add_errors(form, error: ValidationError):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


# Each list of the set-up page shows this many rows per page.
SETUP_PER_PAGE = 25


@staff_only
def home(request):
    """Everything staff set up, each with its edit link: a page of each list (its own page number
    in the address), the events and sites filtered by programme and a search, the latest
    programme first (at national scale the unpaged page was 4,000 rows, 614 KB, 1.3 s)."""
    info_days = info_days_for(request.user).select_related("region", "library").order_by(
        "-programme__start_date", "region__position", "pk")
    sites = TrainingSite.objects.select_related("library", "programme").annotate(
        n_courses=count_of(Course.objects.filter(site_id=OuterRef("pk")))).order_by(
        "-programme__start_date", "library__settlement", "library__name", "pk")
    courses = courses_for(request.user).select_related("site__library").annotate(
        n_sessions=count_of(Session.objects.filter(course_id=OuterRef("pk")))).prefetch_related("trainers").order_by(
        "-site__programme__start_date", "site__library__settlement", "title", "pk")
    accounts = User.objects.filter(role__in=[Role.COORDINATOR, Role.TRAINER]).select_related("library").order_by(
        "role", "last_name", "first_name", "pk")
    event_filter = EventListFilter(request.GET or None, staff=True)
    if event_filter.is_valid():
        info_days = event_filter.filter_info_days(info_days)
        sites = event_filter.filter_sites(sites)
        courses = event_filter.filter_courses(courses)
    elif event_filter.is_bound:
        messages.error(request, _("Hibás szűrési feltétel: javítsa a jelölt mezőt. A listák szűretlenek."))
    return render(request, "programme_setup/home.html", {
        "event_filter": event_filter,
        "info_days": list_page(request, info_days, param="napok", anchor="h-info-days", per_page=SETUP_PER_PAGE),
        "sites": list_page(request, sites, param="helyszinek", anchor="h-sites", per_page=SETUP_PER_PAGE),
        "courses": list_page(request, courses, param="kepzesek", anchor="h-courses", per_page=SETUP_PER_PAGE),
        "accounts": list_page(request, accounts, param="fiokok", anchor="h-accounts", per_page=SETUP_PER_PAGE),
    })



# --- info days -----------------------------------------------------------------------------------

def _info_day_page(request, form, day=None, status=200):
    context = {"form": form, "day": day}
    if day is not None:
        context.update(availability=availability(day), history=change_log(day),
                       manage_url=reverse("events:manage", args=[KIND_SLUGS["info_day"], day.pk]))
    return render(request, "programme_setup/info_day_form.html", context, status=status)


@staff_only
def info_day_create(request):
    form = InfoDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            day = save_info_day(data=form.cleaned_data, changed_by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Az információs nap elkészült: %(day)s.") % {"day": day})
            return redirect("setup:info_day_edit", day.pk)
    return _info_day_page(request, form, status=400 if form.errors else 200)


@staff_only
def info_day_edit(request, pk):
    day = get_object_or_404(info_days_for(request.user), pk=pk)
    form = InfoDayForm(request.POST or None, instance=InfoDay.objects.get(pk=day.pk))
    if request.method == "POST" and form.is_valid():
        try:
            save_info_day(info_day=day, data=form.cleaned_data, changed_by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("A változásokat mentettük; ha az időpont vagy a helyszín változott, "
                                        "a jelentkezők e-mailt kapnak."))
            return redirect("setup:info_day_edit", day.pk)
    return _info_day_page(request, form, day, status=400 if form.errors else 200)


# --- training sites ------------------------------------------------------------------------------

def _site_page(request, form, site=None, status=200):
    context = {"form": form, "site": site}
    if site is not None:
        context["history"] = change_log(site)
        context["courses"] = site.courses.all()
    return render(request, "programme_setup/site_form.html", context, status=status)


@staff_only
def site_create(request):
    form = TrainingSiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = form.instance
        site._history_user = request.user
        site.save()
        messages.success(request, _("A képzési helyszín elkészült: %(site)s.") % {"site": site})
        return redirect("setup:site_edit", site.pk)
    return _site_page(request, form, status=400 if form.errors else 200)


@staff_only
def site_edit(request, pk):
    site = get_object_or_404(TrainingSite, pk=pk)
    form = TrainingSiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        site._history_user = request.user
        form.save()
        messages.success(request, _("A változásokat mentettük."))
        return redirect("setup:site_edit", site.pk)
    return _site_page(request, form, TrainingSite.objects.get(pk=pk), status=400 if form.errors else 200)


# --- courses and their sessions ------------------------------------------------------------------

def _sessions_per_course(course=None, site_id=None):
    from events.models import Programme

    site = course.site if course is not None and course.pk else TrainingSite.objects.filter(pk=site_id).first()
    programme = site.programme if site else Programme.objects.order_by("-start_date").first()
    return programme.sessions_per_course if programme else 4


def _course_history(course):
    sessions = list(Session.history.filter(course_id=course.pk).values_list("id", flat=True).distinct())
    session_logs = [
        change_log(s, label=lambda r: _("%(n)s. foglalkozás") % {"n": r.number})
        for s in Session.objects.filter(pk__in=sessions)
    ]
    return merged_log(change_log(course), *session_logs)


def _course_page(request, form, formset, course=None, status=200):
    context = {"form": form, "formset": formset, "course": course}
    if course is not None:
        context.update(availability=availability(course), history=_course_history(course),
                       manage_url=reverse("events:manage", args=[KIND_SLUGS["course"], course.pk]))
    return render(request, "programme_setup/course_form.html", context, status=status)


def _save_course(request, form, formset, course=None):
    """Both forms valid: the service saves the course and its sessions, or says what is wrong."""
    data = {f: form.cleaned_data[f] for f in ("site", "title", "description", "capacity", "status")}
    rows = [f.session_row() for f in formset.forms if f.has_changed() or f.instance.pk]
    try:
        return save_course(data=data, sessions=rows, course=course, trainers=list(form.cleaned_data["trainers"]),
                           changed_by=request.user)
    except CourseSetupError as error:
        for field, msgs in error.course_errors.items():
            form.add_error(field if field in form.fields else None, msgs)
        changed_forms = [f for f in formset.forms if f.has_changed() or f.instance.pk]
        for index, errors in error.session_errors.items():
            for field, msgs in errors.items():
                changed_forms[index].add_error(field, msgs)
        return None


@staff_only
def course_create(request):
    form = CourseForm(request.POST or None, initial={"site": request.GET.get("site")})
    per_course = _sessions_per_course(site_id=request.POST.get("site"))
    formset = session_formset(data=request.POST or None, sessions_per_course=per_course)
    if request.method == "POST":
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            course = _save_course(request, form, formset)
            if course is not None:
                messages.success(request, _("A képzés elkészült: %(course)s.") % {"course": course})
                return redirect("setup:course_edit", course.pk)
    failed = request.method == "POST"
    return _course_page(request, form, formset, status=400 if failed else 200)


@staff_only
def course_edit(request, pk):
    course = get_object_or_404(courses_for(request.user), pk=pk)
    form = CourseForm(request.POST or None, instance=Course.objects.get(pk=pk))
    formset = session_formset(course=Course.objects.get(pk=pk), data=request.POST or None,
                              sessions_per_course=_sessions_per_course(course))
    if request.method == "POST":
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok and _save_course(request, form, formset, course) is not None:
            messages.success(request, _("A változásokat mentettük; ha egy foglalkozás időpontja vagy helyszíne "
                                        "változott, a jelentkezők e-mailt kapnak."))
            return redirect("setup:course_edit", course.pk)
    failed = request.method == "POST"
    return _course_page(request, form, formset, course, status=400 if failed else 200)


# --- coordinators and trainers -------------------------------------------------------------------

def _account_page(request, form, account=None, status=200):
    context = {"form": form, "account": account}
    if account is not None:
        context["history"] = change_log(account)
    return render(request, "programme_setup/account_form.html", context, status=status)


def _save_account(request, form, account=None):
    data = {f: form.cleaned_data[f] for f in ("username", "last_name", "first_name", "email", "phone", "role",
                                              "library", "is_active")}
    try:
        return save_account(data=data, user=account, courses=list(form.cleaned_data["courses"]),
                            password=form.cleaned_data["password"], changed_by=request.user)
    except ValidationError as error:
        _add_errors(form, error)
        return None


@staff_only
def account_create(request):
    form = AccountForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        account = _save_account(request, form)
        if account is not None:
            messages.success(request, _("A fiók elkészült: %(user)s.") % {"user": account})
            return redirect("setup:account_edit", account.pk)
    return _account_page(request, form, status=400 if form.errors else 200)


@staff_only
def account_edit(request, pk):
    account = get_object_or_404(User.objects.filter(role__in=[Role.COORDINATOR, Role.TRAINER]), pk=pk)
    form = AccountForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid() and _save_account(request, form, account) is not None:
        messages.success(request, _("A változásokat mentettük."))
        return redirect("setup:account_edit", account.pk)
    return _account_page(request, form, account, status=400 if form.errors else 200)
