"""Every figure of programme_indicators equals a count computed here, in Python, from the rows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import EventStatus, InfoDay, Region
from menet_portal.tests.factories import (
    AttendanceFactory,
    InfoDayFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingSiteFactory,
)
from participants.models import Registration, RegistrationStatus, TargetGroup
from reports.selectors import Figure, FigureState, programme_alerts, programme_indicators
from trainings.completion import is_completed
from trainings.models import Attendance, Course, Session

from .factories import course_with_sessions, mixed_programme, participant

pytestmark = pytest.mark.django_db

ATTENDED = {"present", "late"}


def _expected(programme):
    """The figures, recomputed by walking every row in Python."""
    today = timezone.localdate()
    now = timezone.now()
    days = {d.pk: d for d in InfoDay.objects.filter(programme=programme).select_related("region", "library")}
    courses = {c.pk: c for c in Course.objects.filter(site__programme=programme).select_related("site__library__county")}
    sessions = {}
    for s in Session.objects.all():
        sessions.setdefault(s.course_id, []).append(s)
    regs = list(Registration.objects.select_related("participant"))
    atts = list(Attendance.objects.select_related("registration__participant"))

    def region_of(reg_or_event):
        return reg_or_event.region_id if isinstance(reg_or_event, InfoDay) else reg_or_event.site.library.county.region_id

    def day_held(d):
        return d.status != EventStatus.CANCELLED and (d.status == EventStatus.HELD or d.date < today)

    def course_held(c):
        ss = sessions.get(c.pk, [])
        return c.status != EventStatus.CANCELLED and (
            c.status == EventStatus.HELD or (len(ss) >= programme.sessions_per_course and max(s.ends_at for s in ss) <= now)
        )

    def empty():
        return {"registered": 0, "attended": 0, "trainees": 0, "completions": 0, "hours": Decimal(0)}

    total, by_group, by_region, by_site, by_day, by_course = empty(), {}, {}, {}, {}, {}

    def bump(key, value, event, group):
        slices = [total, by_group.setdefault(group, empty()), by_region.setdefault(region_of(event), empty())]
        if isinstance(event, InfoDay):
            slices.append(by_day.setdefault(event.pk, empty()))
        else:
            slices += [by_site.setdefault(event.site_id, empty()), by_course.setdefault(event.pk, empty())]
        for s in slices:
            s[key] += value

    for r in regs:
        if r.status != RegistrationStatus.CONFIRMED:
            continue
        if r.info_day_id in days:
            bump("registered", 1, days[r.info_day_id], r.participant.target_group)
        if r.course_id in courses:
            bump("trainees", 1, courses[r.course_id], r.participant.target_group)
    for a in atts:
        reg = a.registration
        if a.status not in ATTENDED:
            continue
        if a.session_id is None and reg.info_day_id in days:
            bump("attended", 1, days[reg.info_day_id], reg.participant.target_group)
        if a.session_id is not None and reg.course_id in courses and reg.status == RegistrationStatus.CONFIRMED:
            bump("hours", Decimal(programme.session_hours), courses[reg.course_id], reg.participant.target_group)
    for r in regs:
        if r.course_id not in courses or r.status != RegistrationStatus.CONFIRMED:
            continue
        mine = [a for a in atts if a.registration_id == r.pk and a.session_id is not None]
        attended = sum(a.status in ATTENDED for a in mine)
        late = sum(a.status == "late" for a in mine)
        if is_completed(attended=attended, late=late, programme=programme):
            bump("completions", 1, courses[r.course_id], r.participant.target_group)
    return {
        "info_days_held": sum(day_held(d) for d in days.values()),
        "trainings_held": sum(course_held(c) for c in courses.values()),
        "held_by_region": {
            rid: (sum(day_held(d) for d in days.values() if d.region_id == rid),
                  sum(course_held(c) for c in courses.values() if region_of(c) == rid))
            for rid in {region_of(e) for e in list(days.values()) + list(courses.values())}
        },
        "total": total, "by_group": by_group, "by_region": by_region, "by_site": by_site,
        "by_day": by_day, "by_course": by_course,
    }


def _as_dict(counts):
    return {"registered": counts.info_day_registered, "attended": counts.info_day_attended,
            "trainees": counts.trainees, "completions": counts.completions, "hours": counts.training_hours}


@pytest.mark.parametrize("seed", [5, 11])
def test_every_figure_equals_an_independent_count_from_the_rows(seed):
    programme = mixed_programme(seed=seed, people=40)
    ProgrammeFactory()  # another programme's events must not count
    expected = _expected(programme)
    ind = programme_indicators(programme)

    assert ind.info_days_held.value == expected["info_days_held"] == 2
    assert ind.trainings_held.value == expected["trainings_held"] == 1
    assert _as_dict(ind.totals) == expected["total"]
    assert ind.info_day_registered.value == expected["total"]["registered"]
    assert ind.info_day_attended.value == expected["total"]["attended"]
    assert ind.trainees.value == expected["total"]["trainees"]
    assert ind.completions.value == expected["total"]["completions"]
    assert ind.training_hours.value == expected["total"]["hours"]
    # The random mix must exercise every figure (otherwise the comparison proves little).
    assert all(expected["total"][k] > 0 for k in expected["total"])

    for row in ind.by_target_group:
        assert _as_dict(row.counts) == expected["by_group"].get(row.key, _as_dict(type(row.counts)()))
    for row in ind.by_region:
        want = expected["by_region"].get(row.object.pk)
        if want is None:
            assert row.counts.reached == 0 and row.info_days == row.trainings == 0
            continue
        assert _as_dict(row.counts) == want
        assert (row.info_days_held, row.trainings_held) == expected["held_by_region"][row.object.pk]
    for row in ind.by_training_site:
        assert _as_dict(row.counts) == expected["by_site"][row.object.pk]
    for row in ind.info_days:
        assert _as_dict(row.counts) == expected["by_day"].get(row.info_day.pk, _as_dict(type(row.counts)()))
    for row in ind.courses:
        assert _as_dict(row.counts) == expected["by_course"].get(row.course.pk, _as_dict(type(row.counts)()))
    # region × target group cells add up to the totals
    assert sum(cell.counts[g].reached for cell in ind.region_by_group for g in cell.counts) == (
        expected["total"]["attended"] + expected["total"]["trainees"]
    )


def test_attended_and_registered_are_different_figures():
    programme = ProgrammeFactory()
    day = InfoDayFactory(programme=programme, date=timezone.localdate() - datetime.timedelta(days=1),
                         status=EventStatus.CLOSED)
    confirmed_present = RegistrationFactory(info_day=day)
    AttendanceFactory(registration=confirmed_present, status="present")
    confirmed_late = RegistrationFactory(info_day=day)
    AttendanceFactory(registration=confirmed_late, status="late")
    no_show = RegistrationFactory(info_day=day)
    AttendanceFactory(registration=no_show, status="absent")
    RegistrationFactory(info_day=day)  # confirmed, nothing recorded
    walk_in_waitlisted = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED)
    AttendanceFactory(registration=walk_in_waitlisted, status="present")

    ind = programme_indicators(programme)
    assert ind.info_day_registered.value == 4
    assert ind.info_day_attended.value == 3
    row = ind.info_days[0]
    assert (row.counts.info_day_registered, row.counts.info_day_attended, row.counts.info_day_waitlisted) == (4, 3, 1)
    assert row.attended_figure.state == FigureState.BELOW


def test_completion_and_hours_follow_the_rule():
    programme = ProgrammeFactory()
    course, sessions = course_with_sessions(
        site=TrainingSiteFactory(programme=programme), starts=timezone.now() - datetime.timedelta(days=40)
    )
    plans = {
        "all present": ["present"] * 4,
        "one late": ["present", "present", "present", "late"],
        "two late": ["present", "present", "late", "late"],
        "one absent": ["present", "present", "present", "absent"],
    }
    for statuses in plans.values():
        reg = RegistrationFactory(info_day=None, course=course)
        for session, status in zip(sessions, statuses):
            AttendanceFactory(registration=reg, session=session, status=status)
    ind = programme_indicators(programme)
    assert ind.completions.value == 2
    assert ind.training_hours.value == (4 + 4 + 4 + 3) * programme.session_hours
    assert ind.trainings_held.value == 1
    assert ind.trainees.value == 4


@pytest.mark.parametrize(
    "value, low, high, state",
    [(24, 25, 30, FigureState.BELOW), (25, 25, 30, FigureState.IN_BAND), (29, 25, 30, FigureState.IN_BAND),
     (30, 25, 30, FigureState.FULL), (31, 25, 30, FigureState.FULL), (9, 10, None, FigureState.BELOW),
     (10, 10, None, FigureState.FULL), (3, None, None, None)],
)
def test_figure_state_against_band_or_target(value, low, high, state):
    assert Figure(value, low, high).state == state


def test_per_day_band_and_region_band():
    programme = ProgrammeFactory()
    day = InfoDayFactory(programme=programme)
    for _ in range(25):
        RegistrationFactory(info_day=day, participant=participant(TargetGroup.CITIZEN))
    ind = programme_indicators(programme)
    assert ind.info_days[0].registered_figure.state == FigureState.IN_BAND
    region = next(r for r in ind.by_region if r.object.pk == day.region_id)
    assert (region.band_min, region.band_max) == (25, 30)
    assert region.registered_figure.state == FigureState.IN_BAND
    assert ind.info_day_registered.state == FigureState.BELOW  # 25 of 175–210


def test_alerts():
    programme = ProgrammeFactory()
    now = timezone.now()
    first, second = Region.objects.order_by("position")[:2]
    soon = InfoDayFactory(programme=programme, region=first, date=timezone.localdate() + datetime.timedelta(days=10))
    RegistrationFactory(info_day=soon)
    far = InfoDayFactory(programme=programme, region=second, date=timezone.localdate() + datetime.timedelta(days=40))
    site = TrainingSiteFactory(programme=programme)
    course, sessions = course_with_sessions(site=site, starts=now - datetime.timedelta(days=8))
    ok = RegistrationFactory(info_day=None, course=course)
    doomed = RegistrationFactory(info_day=None, course=course)
    AttendanceFactory(registration=ok, session=sessions[0], status="present")
    AttendanceFactory(registration=doomed, session=sessions[0], status="absent")
    # sessions[1] (a day ago) has no attendance at all

    alerts = programme_alerts(programme_indicators(programme))
    assert [r.info_day for r in alerts.below_minimum] == [soon]
    assert far not in [getattr(r, "info_day", None) for r in alerts.below_minimum]
    assert alerts.attendance_missing == [sessions[1]]
    assert [(row.course, n) for row, n in alerts.completion_at_risk] == [(course, 1)]


def test_only_trainees_complete_and_count_hours():
    """A cancelled or waiting course registration with attendance rows is neither a completion
    nor training hours (the course pages count the same way)."""
    programme = ProgrammeFactory()
    course, sessions = course_with_sessions(
        site=TrainingSiteFactory(programme=programme), starts=timezone.now() - datetime.timedelta(days=40)
    )
    trainee = RegistrationFactory(info_day=None, course=course)
    dropped = RegistrationFactory(info_day=None, course=course, status=RegistrationStatus.CANCELLED,
                                  cancelled_at=timezone.now())
    for reg in (trainee, dropped):
        for session in sessions:
            AttendanceFactory(registration=reg, session=session, status="present")
    ind = programme_indicators(programme)
    assert (ind.trainees.value, ind.completions.value, ind.training_hours.value) == (1, 1, 16)


def test_attendance_missing_follows_the_register_rule():
    """Sessions still running are not yet missing; ended ones without a register are; so are past info days."""
    programme = ProgrammeFactory()
    now = timezone.now()
    course, _ = course_with_sessions(site=TrainingSiteFactory(programme=programme),
                                     starts=now - datetime.timedelta(days=7, hours=1))
    session_1, session_2 = course.sessions.order_by("number")[:2]  # 7 days ago (ended), running now
    day = InfoDayFactory(programme=programme, date=timezone.localdate() - datetime.timedelta(days=2))
    alerts = programme_alerts(programme_indicators(programme))
    assert day in alerts.attendance_missing and session_1 in alerts.attendance_missing
    assert session_2 not in alerts.attendance_missing
    AttendanceFactory(registration=RegistrationFactory(info_day=day), status="absent")
    alerts = programme_alerts(programme_indicators(programme))
    assert day not in alerts.attendance_missing


def _old_shape_cells(programme, now):
    """The four aggregates programme_indicators and programme_alerts ran before one statement
    replaced them (registrations, attendance, completions, completion at risk), kept here as the
    reference: {(kind, event id, target group): figures}."""
    from collections import Counter, defaultdict

    from django.db.models import Count, Q, Subquery

    from trainings.completion import ATTENDED, annotate_completion, annotate_completion_outlook

    info_day_ids = list(InfoDay.objects.filter(programme=programme).values_list("pk", flat=True))
    courses = list(Course.objects.filter(site__programme=programme))
    course_ids = [c.pk for c in courses]
    cells = defaultdict(Counter)
    for row in (
        Registration.objects.filter(Q(info_day_id__in=info_day_ids) | Q(course_id__in=course_ids))
        .filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
        .values("info_day_id", "course_id", "participant__target_group")
        .annotate(confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
                  waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)))
        .order_by()
    ):
        key = ("i", row["info_day_id"]) if row["info_day_id"] else ("c", row["course_id"])
        cells[key + (row["participant__target_group"],)].update(confirmed=row["confirmed"],
                                                                waitlisted=row["waitlisted"])
    for row in (
        Attendance.objects.filter(
            Q(session__isnull=True, registration__info_day_id__in=info_day_ids)
            | Q(session__isnull=False, registration__course_id__in=course_ids,
                registration__status=RegistrationStatus.CONFIRMED)
        )
        .values("registration__info_day_id", "registration__course_id", "registration__participant__target_group")
        .annotate(attended=Count("id", filter=Q(status__in=ATTENDED)), recorded=Count("id"))
        .order_by()
    ):
        if row["registration__info_day_id"]:
            key = ("i", row["registration__info_day_id"], row["registration__participant__target_group"])
            cells[key].update(attended=row["attended"], recorded=row["recorded"])
        else:
            key = ("c", row["registration__course_id"], row["registration__participant__target_group"])
            cells[key].update(attended=row["attended"])
    candidates = Registration.objects.filter(course_id__in=course_ids, status=RegistrationStatus.CONFIRMED)
    completed = annotate_completion(candidates, programme).filter(completed=True)
    for row in (Registration.objects.filter(pk__in=Subquery(completed.values("pk")))
                .values("course_id", "participant__target_group").annotate(n=Count("id")).order_by()):
        cells[("c", row["course_id"], row["participant__target_group"])].update(completions=row["n"])
    open_ids = [c.pk for c in courses if c.status != EventStatus.CANCELLED]
    at_risk = (annotate_completion_outlook(
        Registration.objects.filter(course_id__in=open_ids, status=RegistrationStatus.CONFIRMED), programme)
        .filter(can_still_complete=False).values("pk"))
    risk = dict(Registration.objects.filter(pk__in=Subquery(at_risk)).values("course_id").annotate(n=Count("id"))
                .order_by().values_list("course_id", "n"))
    return {k: +v for k, v in cells.items() if +v}, {k: v for k, v in risk.items() if v}


@pytest.mark.parametrize("participants,events", [(300, 0), (900, 60)])
def test_one_statement_gives_the_figures_of_the_four_old_aggregates(participants, events):
    """On seeded data (attendance with every status, completions, people who can no longer
    complete, waiting lists): the same figures per event and target group as before."""
    from django.core.management import call_command

    from reports.selectors import current_programme

    call_command("seed_demo", participants=participants, events=events, verbosity=0)
    now = timezone.now()
    programme = current_programme()
    # The edges the seed does not make: someone not confirmed who came to an info day (counts),
    # and session attendance of a waiting trainee (does not).
    for status in (RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED):
        day = InfoDay.objects.filter(programme=programme).order_by("pk").first()
        reg = RegistrationFactory(info_day=day, course=None, status=status, participant=participant(TargetGroup.CITIZEN),
                                cancelled_at=timezone.now() if status == RegistrationStatus.CANCELLED else None)
        AttendanceFactory(registration=reg, session=None, status="present")
    course = Course.objects.filter(site__programme=programme, sessions__isnull=False).order_by("pk").first()
    waiting = RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                                  participant=participant(TargetGroup.BUSINESS))
    AttendanceFactory(registration=waiting, session=course.sessions.order_by("number").first(), status="present")
    expected, expected_risk = _old_shape_cells(programme, now)
    indicators = programme_indicators(programme, now=now)
    got = {}
    for row in indicators.info_days:
        for group, c in row.by_group.items():
            got[("i", row.info_day.pk, group)] = {
                "confirmed": c.info_day_registered, "waitlisted": c.info_day_waitlisted, "attended": c.info_day_attended}
    recorded = {row.info_day.pk: row.attendance_rows for row in indicators.info_days}
    for row in indicators.courses:
        for group, c in row.by_group.items():
            got[("c", row.course.pk, group)] = {
                "confirmed": c.trainees, "waitlisted": c.trainees_waitlisted, "attended": c.attended_sessions,
                "completions": c.completions}
    got = {k: {n: v for n, v in figures.items() if v} for k, figures in got.items()}
    got = {k: v for k, v in got.items() if v}
    expected_recorded = {}
    for key, figures in expected.items():
        if "recorded" in figures:
            expected_recorded[key[1]] = expected_recorded.get(key[1], 0) + figures.pop("recorded")
    expected = {k: dict(v) for k, v in expected.items() if v}
    assert got == expected
    assert {k: v for k, v in recorded.items() if v} == expected_recorded
    alerts = programme_alerts(indicators)
    assert {row.course.pk: n for row, n in alerts.completion_at_risk} == expected_risk
    # The data exercises every figure (else the comparison proves little).
    assert sum(f.get("completions", 0) for f in expected.values()) > 0
    assert sum(f.get("waitlisted", 0) for f in expected.values()) > 0
    assert expected_recorded and expected_risk


def test_people_counts_add_sums_every_field():
    """PeopleCounts.add spells its fields out (speed): a field added later must be added there too."""
    from dataclasses import fields

    from reports.selectors import PeopleCounts

    one = PeopleCounts(**{f.name: 1 for f in fields(PeopleCounts)})
    total = PeopleCounts().add(one).add(one)
    assert all(getattr(total, f.name) == 2 for f in fields(PeopleCounts))


def test_only_the_programmes_own_attendance_counts():
    """The figures read the programme's attendance (its course sessions and the info-day rows):
    another programme's attendance never reaches them, and a row recorded (past
    ``Attendance.clean``) against another programme's session does not count here."""
    started = timezone.now() - datetime.timedelta(days=40)
    ours, theirs = ProgrammeFactory(), ProgrammeFactory()
    course, sessions = course_with_sessions(site=TrainingSiteFactory(programme=ours), starts=started)
    other_course, other_sessions = course_with_sessions(site=TrainingSiteFactory(programme=theirs), starts=started)
    day = InfoDayFactory(programme=ours, date=timezone.localdate() - datetime.timedelta(days=3))
    other_day = InfoDayFactory(programme=theirs, date=timezone.localdate() - datetime.timedelta(days=3))
    trainee = RegistrationFactory(info_day=None, course=course)
    for session in sessions[:3]:
        AttendanceFactory(registration=trainee, session=session, status="present")
    Attendance.objects.create(registration=trainee, session=other_sessions[3], status="present")  # not clean()ed
    visitor = RegistrationFactory(info_day=day, course=None)
    AttendanceFactory(registration=visitor, session=None, status="present")
    other_trainee = RegistrationFactory(info_day=None, course=other_course)
    for session in other_sessions:
        AttendanceFactory(registration=other_trainee, session=session, status="present")
    other_visitors = [RegistrationFactory(info_day=other_day, course=None) for _ in range(2)]
    for reg in other_visitors:
        AttendanceFactory(registration=reg, session=None, status="late")

    ind = programme_indicators(ours)
    assert (ind.trainees.value, ind.completions.value, ind.training_hours.value) == (1, 0, 3 * ours.session_hours)
    assert ind.totals.attended_sessions == 3
    assert (ind.info_day_registered.value, ind.info_day_attended.value) == (1, 1)
    assert [row.attendance_rows for row in ind.info_days] == [1]
    assert [n for _row, n in programme_alerts(ind).completion_at_risk] == []  # one session left to attend

    other = programme_indicators(theirs)
    assert (other.trainees.value, other.completions.value, other.training_hours.value) == (1, 1, 4 * theirs.session_hours)
    assert (other.info_day_registered.value, other.info_day_attended.value) == (2, 2)
    assert [row.attendance_rows for row in other.info_days] == [2]
