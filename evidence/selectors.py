"""Reads for the proof: which rows of a register are signed, the register's own signatures, and
the evidence state of every event (sheet generated, signed on the tablet, scan uploaded, missing)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventStatus
from menet_portal import counters
from trainings.models import Attendance, AttendanceCount, Course, Session

from .models import AttendanceSignature, RegisterSignature, SignerRole
from .services import SIGNABLE, event_filter


def attendance_signatures(event) -> dict:
    """{registration id: AttendanceSignature} for one register (one query)."""
    qs = AttendanceSignature.objects.select_related("collected_by", "attendance")
    if isinstance(event, Session):
        qs = qs.filter(attendance__session=event)
    else:
        qs = qs.filter(attendance__session__isnull=True, attendance__registration__info_day=event)
    return {s.attendance.registration_id: s for s in qs}


def register_signatures(event) -> dict:
    """{role: RegisterSignature} of one register."""
    return {s.role: s for s in RegisterSignature.objects.filter(**event_filter(event)).select_related("collected_by")}


def signable_attendances(event):
    qs = Attendance.objects.filter(status__in=SIGNABLE)
    if isinstance(event, Session):
        return qs.filter(session=event)
    return qs.filter(session__isnull=True, registration__info_day=event)


@dataclass
class PanelRow:
    """One present participant on the register page's signature panel."""

    name: str
    signature: object
    sign_url: str


def register_panel(event):
    """What the register page shows about signatures: per present participant signed or a link
    to sign, n of m, and the lead's and the coordinator's signature of the register."""
    from django.urls import reverse

    from menet_portal.db import hungarian_name_order

    kind = "foglalkozas" if isinstance(event, Session) else "informacios-nap"
    # One reverse for every row: the link differs only in the registration's id.
    marker = "987654321"
    before, _marker, after = reverse("evidence:sign_participant", args=[kind, event.pk, marker]).rpartition(marker)
    # Each present row with its own signature (the reverse one-to-one) in the same query: one
    # attendance per registration per register, so this is attendance_signatures' entry for it.
    present = signable_attendances(event).select_related("registration__participant", "signature__collected_by")
    rows = [
        PanelRow(name=attendance.registration.participant.full_name,
                 signature=getattr(attendance, "signature", None),
                 sign_url=f"{before}{attendance.registration_id}{after}")
        for attendance in present.order_by(*hungarian_name_order("registration__participant__"))
    ]
    own = register_signatures(event)
    register = [
        {"role": role, "label": SignerRole(role).label, "signature": own.get(role),
         "sign_url": reverse("evidence:sign_register", args=[kind, event.pk, role])}
        for role in SignerRole.values
    ]
    return {"rows": rows, "present": len(rows), "signed": sum(1 for r in rows if r.signature), "register": register}


# --- Evidence state per event ----------------------------------------------------------------


class ProofState:
    """Where the proof of one register (an info day or a training session) stands."""

    NOT_DUE = "not_due"  # not held yet: nothing to prove
    COMPLETE = "complete"  # a scan of the signed sheet, or every present participant and the lead signed
    MISSING = "missing"  # held, and the proof is not (fully) back
    CANCELLED = "cancelled"  # the event did not take place: no proof needed

    LABELS = {
        NOT_DUE: _("még nem volt"),
        COMPLETE: _("igazolva"),
        MISSING: _("igazolás hiányzik"),
        CANCELLED: _("elmaradt"),
    }
    BADGES = {NOT_DUE: "text-bg-light", COMPLETE: "text-bg-success", MISSING: "text-bg-danger",
              CANCELLED: "text-bg-secondary"}


@dataclass
class EventEvidence:
    """The evidence state of one register: counts and yes/no only (never signatures or names)."""

    kind: str  # "info_day" | "session"
    event: object
    library: object
    region: object
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    cancelled: bool
    held: bool
    present: int = 0  # attendance rows present or late
    signed: int = 0  # of them, signed on the tablet
    lead_signed: bool = False
    coordinator_signed: bool = False
    sheets: int = 0  # attendance sheets generated (done)
    latest_sheet_id: int | None = None
    scan_uploaded: bool = False
    scan_sheet_id: int | None = None

    @property
    def sheet_generated(self) -> bool:
        return self.sheets > 0

    @property
    def fully_signed(self) -> bool:
        """Every present participant signed on the tablet and the lead signed the register."""
        return self.present > 0 and self.signed >= self.present and self.lead_signed

    @property
    def state(self) -> str:
        if self.cancelled:
            return ProofState.CANCELLED
        if self.scan_uploaded or self.fully_signed:
            return ProofState.COMPLETE
        if not self.held:
            return ProofState.NOT_DUE
        return ProofState.MISSING

    @property
    def state_label(self):
        return ProofState.LABELS[self.state]

    @property
    def badge_class(self):
        return ProofState.BADGES[self.state]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.event.pk}"

    @property
    def title(self) -> str:
        if self.kind == "session":
            return f"{self.event.course} – {self.event.number}. {_('foglalkozás')}"
        return str(self.event)

    @property
    def kind_label(self):
        return _("foglalkozás") if self.kind == "session" else _("információs nap")

    @property
    def missing_parts(self) -> list:
        """What is still to come back, in words (for the list and the reminder)."""
        if self.state != ProofState.MISSING:
            return []
        parts = []
        if not self.sheet_generated:
            parts.append(_("a jelenléti ív még nem készült el"))
        if self.present == 0:
            parts.append(_("nincs jelenlévőnek jelölt résztvevő"))
        elif self.signed < self.present:
            parts.append(_("%(n)s jelenlévő nem írta alá") % {"n": self.present - self.signed})
        if not self.lead_signed:
            parts.append(_("az oktató / előadó nem írta alá"))
        parts.append(_("nincs feltöltött beolvasott ív"))
        return parts


def _info_day_times(day):
    from trainings.services import info_day_ends_at, info_day_starts_at

    return info_day_starts_at(day), info_day_ends_at(day)


def evidence_states(*, info_days, sessions, now=None) -> list[EventEvidence]:
    """The evidence state of every register in ``info_days`` and ``sessions`` (already scoped
    querysets), oldest first, in five queries whatever their number.

    An event is *held* when it is not cancelled and has ended; its proof is *complete* when the
    scan of a signed sheet was uploaded against one of its archived attendance sheets, or when
    every participant marked present (or late) signed on the tablet and the lead signed the
    register.
    """

    now = now or timezone.now()
    days = list(info_days.select_related("library__county__region", "region").order_by())
    session_list = list(
        sessions.select_related("course__site__library__county__region").order_by()
    )
    rows: dict[tuple[str, int], EventEvidence] = {}
    for day in days:
        starts, ends = _info_day_times(day)
        cancelled = day.status == EventStatus.CANCELLED
        rows[("info_day", day.pk)] = EventEvidence(
            kind="info_day", event=day, library=day.library, region=day.region, starts_at=starts, ends_at=ends,
            cancelled=cancelled, held=_held(cancelled=cancelled, ended=ends <= now, status=day.status),
        )
    for session in session_list:
        cancelled = session.course.status == EventStatus.CANCELLED
        library = session.course.site.library
        rows[("session", session.pk)] = EventEvidence(
            kind="session", event=session, library=library, region=library.county.region,
            starts_at=session.starts_at, ends_at=session.ends_at, cancelled=cancelled,
            held=_held(cancelled=cancelled, ended=session.ends_at <= now),
        )
    if not rows:
        return []
    _add_proof(rows, info_days=info_days, sessions=sessions, libraries={row.library.pk for row in rows.values()})
    return sorted(rows.values(), key=lambda r: (r.starts_at, r.kind, r.event.pk))


def evidence_page(*, info_days, sessions, number, per_page, now=None):
    """``(page, summary)``: one page of ``evidence_states`` of ``info_days`` and ``sessions`` in
    its order (oldest first) and the counts per state of all of them, without the proof of every
    register: the order comes from the events' start times alone, the proof is read for the page's
    registers (``evidence_states``, the one rule), the counts are ``evidence_state_counts``.
    All 7,790 registers of a national programme were 650 ms of every evidence page."""
    from django.core.paginator import Paginator

    now = now or timezone.now()
    keys = [(_info_day_times(day)[0], "info_day", day.pk)
            for day in info_days.select_related(None).order_by().only("pk", "date", "start_time", "end_time")]
    keys += [(starts_at, "session", pk) for pk, starts_at in sessions.order_by().values_list("pk", "starts_at")]
    keys.sort()
    page = Paginator(keys, per_page).get_page(number)
    day_ids = [pk for _starts, kind, pk in page.object_list if kind == "info_day"]
    session_ids = [pk for _starts, kind, pk in page.object_list if kind == "session"]
    rows = evidence_states(info_days=info_days.filter(pk__in=day_ids), sessions=sessions.filter(pk__in=session_ids),
                           now=now) if keys else []
    page.object_list = rows
    return page, evidence_state_counts(info_days=info_days, sessions=sessions, now=now)


def evidence_page_in_state(*, info_days, sessions, state, number, per_page, now=None):
    """``(page, summary)`` of the registers in one proof ``state`` (``?state=missing``: the
    missing-proof list), in ``evidence_states``' order, without building every register: each
    session's proof inputs come from one statement (``_session_proof_inputs``) and
    ``EventEvidence.state``, the one rule, decides each; the info days (a handful per programme)
    go through ``evidence_states``; only the page's registers are then read in full. Every
    register built in full was ≈ 280 ms of Python for a national programme's 7,790."""
    from django.core.paginator import Paginator

    now = now or timezone.now()
    keys = [(row.starts_at, "info_day", row.event.pk)
            for row in evidence_states(info_days=info_days, sessions=sessions.none(), now=now) if row.state == state]
    for pk, starts_at, cancelled, ended, present, signed, lead_signed, scanned in _session_proof_inputs(sessions, now):
        if timezone.is_naive(starts_at):  # a raw row of SQLite (the demo): stored in UTC
            starts_at = timezone.make_aware(starts_at, datetime.timezone.utc)
        cancelled = bool(cancelled)
        row = EventEvidence(
            kind="session", event=None, library=None, region=None, starts_at=starts_at, ends_at=None,
            cancelled=cancelled, held=_held(cancelled=cancelled, ended=bool(ended)),
            present=present, signed=signed, lead_signed=bool(lead_signed), scan_uploaded=bool(scanned),
        )
        if row.state == state:
            keys.append((starts_at, "session", pk))
    keys.sort()
    page = Paginator(keys, per_page).get_page(number)
    day_ids = [pk for _starts, kind, pk in page.object_list if kind == "info_day"]
    session_ids = [pk for _starts, kind, pk in page.object_list if kind == "session"]
    page.object_list = evidence_states(info_days=info_days.filter(pk__in=day_ids),
                                       sessions=sessions.filter(pk__in=session_ids), now=now) if keys else []
    summary = evidence_summary([])
    summary[state] = len(keys)
    return page, summary


def _held(*, cancelled, ended, status=None) -> bool:
    """Not cancelled and over (an info day marked held counts as held whatever the clock says)."""
    return not cancelled and (ended or status == EventStatus.HELD)


def evidence_state_counts(*, info_days, sessions, now=None) -> dict:
    """``evidence_summary`` of ``evidence_states`` without building an object per register: the
    dashboards' cards read only the counts.

    The info days (a handful per programme) go register by register, as ``evidence_states``. The
    sessions (≈ 800 for a national programme) come back from one statement grouped by what the
    state depends on (``_session_proof_groups``: cancelled, ended, present, signed, the lead's
    signature, a scan), ≈ 10 groups; ``EventEvidence.state``, the one rule, decides each group.
    Row by row they were three statements and ≈ 8 ms of Python per dashboard."""

    now = now or timezone.now()
    rows: dict[tuple[str, int], EventEvidence] = {}
    libraries = set()
    for day in info_days.order_by():
        ends = _info_day_times(day)[1]
        cancelled = day.status == EventStatus.CANCELLED
        libraries.add(day.library_id)
        rows[("info_day", day.pk)] = EventEvidence(
            kind="info_day", event=None, library=None, region=None, starts_at=None, ends_at=ends,
            cancelled=cancelled, held=_held(cancelled=cancelled, ended=ends <= now, status=day.status),
        )
    if rows:
        _add_proof(rows, info_days=info_days, sessions=None, libraries=libraries)
    summary = evidence_summary(rows.values())
    for cancelled, ended, present, signed, lead_signed, scanned, n in _session_proof_groups(sessions, now):
        cancelled, lead_signed, scanned = bool(cancelled), bool(lead_signed), bool(scanned)
        group = EventEvidence(
            kind="session", event=None, library=None, region=None, starts_at=None, ends_at=None,
            cancelled=cancelled, held=_held(cancelled=cancelled, ended=bool(ended)),
            present=present, signed=signed, lead_signed=lead_signed, scan_uploaded=scanned,
        )
        summary[group.state] += n
    return summary


def _session_proof_groups(sessions, now):
    """``(cancelled, ended, present, signed, lead_signed, scan_uploaded, sessions)`` of the
    ``sessions`` (a scoped queryset), grouped: the inputs of ``EventEvidence.state`` that
    ``_add_proof`` fills row by row, counted by the database. Present and signed are the register's
    rows present or late and their tablet signatures; a scan is one uploaded against a done
    attendance sheet of the session (its ``parameters["session"]``)."""
    return _session_proof(sessions, now, grouped=True)


def _session_proof_inputs(sessions, now):
    """``(pk, starts_at, cancelled, ended, present, signed, lead_signed, scan_uploaded)`` of each
    of the ``sessions``: ``_session_proof_groups`` session by session."""
    return _session_proof(sessions, now, grouped=False)


def _session_proof(sessions, now, *, grouped):
    from django.db import connections
    from django.db.models import BigIntegerField
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    from reports.models import GeneratedReport, ReportKind, ReportStatus

    scoped = sessions.order_by().values("pk")
    scanned = (
        GeneratedReport.objects.filter(kind=ReportKind.ATTENDANCE, status=ReportStatus.DONE, scan__isnull=False)
        .annotate(session_key=Cast(KT("parameters__session"), BigIntegerField()))
        .order_by().values("session_key")
    )
    try:
        scoped_sql, scoped_params = scoped.query.sql_with_params()
    except EmptyResultSet:  # a user who sees no sessions
        return []
    scanned_sql, scanned_params = scanned.query.sql_with_params()
    connection = connections[sessions.db]
    table = connection.ops.quote_name
    session, course = table(Session._meta.db_table), table(Course._meta.db_table)
    attendance, signature = table(Attendance._meta.db_table), table(AttendanceSignature._meta.db_table)
    register = table(RegisterSignature._meta.db_table)
    status_marks = ", ".join(["%s"] * len(SIGNABLE))
    if counters.kept_in_database(sessions.db):
        # Present from the counts the database keeps per session and status (counters.ATTENDANCE:
        # ~3 delta rows a session, by index), signed from the tablet signatures joined to their
        # rows: summing all attendance of the country per session was 52 of the evidence
        # overview's 77 ms of SQL. The signed part grows with the signatures, not the attendance.
        counts = table(AttendanceCount._meta.db_table)
        present_sql = (
            "SELECT session_id, CAST(SUM(present) AS bigint) AS present, CAST(SUM(signed) AS bigint) AS signed FROM ("
            f"  SELECT session_id, SUM(n) AS present, 0 AS signed FROM {counts}"
            f"  WHERE status IN ({status_marks}) AND session_id IN ({scoped_sql}) GROUP BY session_id"
            "  UNION ALL SELECT a.session_id, 0, COUNT(*)"
            f"  FROM {signature} sig JOIN {attendance} a ON a.id = sig.attendance_id"
            f"  WHERE a.status IN ({status_marks}) AND a.session_id IN ({scoped_sql}) GROUP BY a.session_id"
            ") kept GROUP BY session_id"
        )
        present_params = (*SIGNABLE, *scoped_params, *SIGNABLE, *scoped_params)
    else:  # SQLite (the demo): counted from the rows
        present_sql = (
            "SELECT a.session_id, COUNT(*) AS present, COUNT(sig.id) AS signed"
            f"  FROM {attendance} a LEFT JOIN {signature} sig ON sig.attendance_id = a.id"
            f"  WHERE a.status IN ({status_marks}) AND a.session_id IN ({scoped_sql})"
            "  GROUP BY a.session_id"
        )
        present_params = (*SIGNABLE, *scoped_params)
    # The scope written out in each place, not a CTE: behind a CTE PostgreSQL guessed 200 sessions
    # and hashed all 100,000 attendance rows (18 ms) instead of reading the 800 sessions' by index.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {'' if grouped else 's.id, s.starts_at, '}"
            "CASE WHEN co.status = %s THEN 1 ELSE 0 END, CASE WHEN s.ends_at <= %s THEN 1 ELSE 0 END,"
            " COALESCE(p.present, 0), COALESCE(p.signed, 0),"
            " CASE WHEN lead.session_id IS NULL THEN 0 ELSE 1 END, CASE WHEN scan.session_key IS NULL THEN 0 ELSE 1 END"
            f"{', COUNT(*)' if grouped else ''}"
            f" FROM {session} s JOIN {course} co ON co.id = s.course_id"
            f" LEFT JOIN ({present_sql}) p ON p.session_id = s.id"
            f" LEFT JOIN (SELECT DISTINCT session_id FROM {register}"
            f"  WHERE role = %s AND session_id IN ({scoped_sql})) lead ON lead.session_id = s.id"
            f" LEFT JOIN (SELECT DISTINCT session_key FROM ({scanned_sql}) sheets) scan ON scan.session_key = s.id"
            f" WHERE s.id IN ({scoped_sql})"
            f"{' GROUP BY 1, 2, 3, 4, 5, 6' if grouped else ''}",
            (EventStatus.CANCELLED, connection.ops.adapt_datetimefield_value(now), *present_params,
             SignerRole.LEAD, *scoped_params, *scanned_params, *scoped_params),
        )
        return cursor.fetchall()


def _add_proof(rows: dict, *, info_days, sessions, libraries) -> None:
    """Fill ``rows`` ({("info_day" | "session", pk): EventEvidence} of ``info_days`` and
    ``sessions``) with what came back: present and signed on the tablet, the register's own
    signatures, the archived sheets and their scans (three queries)."""
    from django.db.models import BigIntegerField, Count, F, Value

    from reports.models import GeneratedReport, ReportKind, ReportStatus

    # Subqueries, not lists of ids: Django prepares every element of a list one by one (≈ 10 ms
    # for a national programme's 800 sessions, twice), PostgreSQL plans both the same.
    day_ids = info_days.order_by().values("pk")
    session_ids = sessions.order_by().values("pk") if sessions is not None else None

    # One statement, two branches (UNION ALL), each filtered by its own indexed column: sessions
    # by attendance.session_id (no join to registrations), info days by registration.info_day_id.
    # A single OR across the two tables made PostgreSQL scan all attendance and registrations.
    def _present(info_day, **scope):
        return (
            Attendance.objects.filter(status__in=SIGNABLE, **scope)
            .values("session_id", info_day=info_day)
            .annotate(present=Count("id"), signed=Count("signature"))
            .order_by()
        )

    no_info_day = Value(None, output_field=BigIntegerField())
    present = _present(F("registration__info_day_id"), session__isnull=True, registration__info_day_id__in=day_ids)
    if session_ids is not None:
        present = _present(no_info_day, session_id__in=session_ids).union(present, all=True)
    for row in present:
        key = ("session", row["session_id"]) if row["session_id"] else ("info_day", row["info_day"])
        if key in rows:
            rows[key].present, rows[key].signed = row["present"], row["signed"]

    # Two indexed branches as well (an OR of session_id and info_day_id would scan the table).
    signatures = RegisterSignature.objects.order_by().values_list("session_id", "info_day_id", "role")
    own = signatures.filter(info_day_id__in=day_ids)
    if session_ids is not None:
        own = signatures.filter(session_id__in=session_ids).union(own, all=True)
    for session_id, info_day_id, role in own:
        key = ("session", session_id) if session_id else ("info_day", info_day_id)
        if key in rows:
            if role == SignerRole.LEAD:
                rows[key].lead_signed = True
            else:
                rows[key].coordinator_signed = True

    sheets = (
        GeneratedReport.objects.filter(kind=ReportKind.ATTENDANCE, status=ReportStatus.DONE, library_id__in=libraries)
        .values_list("pk", "parameters", "scan__id")
        .order_by("pk")
    )
    for pk, parameters, scan_id in sheets:
        if "session" in parameters:
            key = ("session", parameters["session"])
        elif "info_day" in parameters:
            key = ("info_day", parameters["info_day"])
        else:
            continue
        row = rows.get(key)
        if row is None:
            continue
        row.sheets += 1
        row.latest_sheet_id = pk
        if scan_id is not None:
            row.scan_uploaded, row.scan_sheet_id = True, pk


def evidence_for(user, *, now=None) -> list[EventEvidence]:
    """Evidence states of the registers the user may see (menet_portal.scope)."""
    from menet_portal.scope import info_days_for, sessions_for

    return evidence_states(info_days=info_days_for(user), sessions=sessions_for(user), now=now)


def evidence_summary(states) -> dict:
    """Counts per proof state (the dashboard cards and the funder's view)."""
    summary = {state: 0 for state in ProofState.LABELS}
    for row in states:
        summary[row.state] += 1
    return summary
