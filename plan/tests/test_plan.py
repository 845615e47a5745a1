"""Progress against the plan: plan-to-date figures on given dates, the monthly participant plan
(default from the dates, staff-edited), the Hungarian states."""

import datetime
from decimal import Decimal

import pytest

from events.models import EventStatus
from menet_portal.tests.factories import (
    AttendanceFactory,
    InfoDayFactory,
    ProgrammeFactory,
    StaffFactory,
    TrainingSiteFactory,
)
from menet_portal.tests.outbox_helpers import local
from plan import services
from plan.hungarian import instrumental
from plan.models import MonthlyParticipantPlan
from plan.selectors import PlanState, default_monthly_plan, plan_progress
from reports.selectors import programme_indicators
from reports.tests.document_factories import ACCENTED, CourseFactory, SessionFactory, register_people
from trainings.models import AttendanceStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n, text", [
    (0, "0-val"), (1, "1-gyel"), (2, "2-vel"), (3, "3-mal"), (4, "4-gyel"), (5, "5-tel"), (6, "6-tal"),
    (7, "7-tel"), (8, "8-cal"), (9, "9-cel"), (10, "10-zel"), (11, "11-gyel"), (20, "20-szal"), (25, "25-tel"),
    (30, "30-cal"), (40, "40-nel"), (48, "48-cal"), (50, "50-nel"), (60, "60-nal"), (70, "70-nel"),
    (80, "80-nal"), (90, "90-nel"), (100, "100-zal"), (150, "150-nel"), (200, "200-zal"), (1000, "1000-rel"),
    (3000, "3000-rel"), (2400, "2400-zal"), (1_000_000, "1000000-val"),
])
def test_hungarian_instrumental_suffix(n, text):
    assert instrumental(n) == text


def _plan(programme, now):
    return plan_progress(programme_indicators(programme, now=now), now=now)


def test_default_monthly_plan_follows_the_dates(year_programme):
    months = default_monthly_plan(year_programme, programme_indicators(year_programme, now=local(2026, 4, 1, 8, 0)))
    by_month = {m.month.month: m for m in months}
    assert len(months) == 12
    assert [by_month[m].info_day_participants for m in (2, 5, 9)] == [25, 25, 25]
    assert by_month[12].info_day_participants == 4 * 25  # the 4 info days not scheduled yet: at the end
    assert (by_month[3].trainees, by_month[10].trainees, by_month[12].trainees) == (15, 15, 8 * 15)
    assert sum(m.trainees for m in months) == 150 and sum(m.info_day_participants for m in months) == 175


def test_plan_to_date_on_the_first_of_april(year_programme):
    plan = _plan(year_programme, local(2026, 4, 1, 8, 0))
    got = {i.key: (i.actual, i.planned, i.state, i.state_label) for i in plan.items}
    assert got["info_days_held"] == (1, 1, PlanState.ON_TRACK, "a terv szerint halad")
    assert got["info_day_attended"] == (30, 25, PlanState.AHEAD, "előrébb jár")
    assert got["trainings_held"] == (1, 1, PlanState.ON_TRACK, "a terv szerint halad")
    assert got["trainees"] == (12, 15, PlanState.BEHIND, "3-mal elmarad")
    assert got["training_hours"] == (Decimal(12 * 16), Decimal(15 * 16), PlanState.BEHIND, "48-cal elmarad")
    assert [i.key for i in plan.behind] == ["trainees", "training_hours"]
    assert plan.by_key["info_days_held"].final_label == "7"
    assert plan.by_key["info_day_attended"].final_label == "175–210"


def test_early_in_the_programme_nothing_is_behind(year_programme):
    plan = _plan(year_programme, local(2026, 1, 20, 12, 0))
    assert plan.behind == []
    assert {i.state for i in plan.items} <= {PlanState.ON_TRACK, PlanState.AHEAD}


def test_mid_month_uses_the_months_that_ended(year_programme):
    # 20 February: the February info day (25 planned) counts from 1 March on; the day itself is held.
    plan = _plan(year_programme, local(2026, 2, 20, 12, 0))
    assert plan.by_key["info_day_attended"].planned == 0
    assert plan.by_key["info_days_held"].planned == 1
    assert plan.by_key["trainings_held"].planned == 0


def test_a_cancelled_event_stays_in_the_plan(year_programme):
    day = year_programme.info_days.get(date=datetime.date(2026, 5, 12))
    day.status = EventStatus.CANCELLED
    day.save()
    plan = _plan(year_programme, local(2026, 6, 1, 8, 0))
    item = plan.by_key["info_days_held"]
    assert (item.actual, item.planned, item.state_label) == (1, 2, "1-gyel elmarad")


def test_after_the_end_the_whole_commitment_is_due(year_programme):
    plan = _plan(year_programme, local(2027, 1, 5, 8, 0))
    assert plan.by_key["info_days_held"].planned == 7
    assert plan.by_key["trainings_held"].planned == 10
    assert plan.by_key["trainees"].planned == 150
    assert plan.by_key["info_day_attended"].planned == 175
    assert plan.by_key["training_hours"].planned == 150 * 16


def test_staff_edit_the_monthly_plan(year_programme):
    staff = StaffFactory()
    rows = {datetime.date(2026, m, 1): (0, 0) for m in range(1, 13)}
    rows[datetime.date(2026, 2, 1)] = (20, 10)
    rows[datetime.date(2026, 3, 1)] = (0, 20)
    services.save_monthly_plan(programme=year_programme, rows=rows, user=staff)
    assert MonthlyParticipantPlan.objects.filter(programme=year_programme).count() == 12
    plan = _plan(year_programme, local(2026, 4, 1, 8, 0))
    assert plan.edited
    assert plan.by_key["trainees"].planned == 30 and plan.by_key["trainees"].state_label == "18-cal elmarad"
    assert plan.by_key["info_day_attended"].planned == 20
    # Saving again replaces, never doubles; resetting goes back to the dates.
    services.save_monthly_plan(programme=year_programme, rows=rows, user=staff)
    assert MonthlyParticipantPlan.objects.filter(programme=year_programme).count() == 12
    services.reset_monthly_plan(programme=year_programme)
    assert not _plan(year_programme, local(2026, 4, 1, 8, 0)).edited


def test_bad_monthly_plan_writes_nothing(year_programme):
    from django.core.exceptions import ValidationError

    staff = StaffFactory()
    with pytest.raises(ValidationError):
        services.save_monthly_plan(programme=year_programme, rows={datetime.date(2026, 2, 1): (-1, 0)}, user=staff)
    with pytest.raises(ValidationError):
        services.save_monthly_plan(programme=year_programme, rows={datetime.date(2030, 2, 1): (1, 0)}, user=staff)
    assert not MonthlyParticipantPlan.objects.exists()


def test_staff_edit_the_plan_on_its_page_and_bad_input_keeps_the_form(client, year_programme):
    from django.urls import reverse

    from events.models import Programme
    from menet_portal.tests.factories import CoordinatorFactory, FunderFactory

    Programme.objects.exclude(pk=year_programme.pk).delete()
    url = reverse("plan:edit")
    client.force_login(StaffFactory())
    page = client.get(url)
    assert page.status_code == 200 and "Havi résztvevői terv" in page.content.decode()
    assert 'name="t_2026_03" id="id_t_2026_03" value="15"' in page.content.decode()
    data = {f"{k}_2026_{m:02d}": "0" for k in ("p", "t") for m in range(1, 13)}
    data.update({"t_2026_03": "12", "p_2026_02": "-3", "action": "save"})
    response = client.post(url, data)
    text = response.content.decode()
    assert response.status_code == 200 and "A tervet nem mentettük" in text and 'href="#id_p_2026_02"' in text
    assert 'value="12"' in text and 'value="-3"' in text  # the form keeps what was typed
    assert not MonthlyParticipantPlan.objects.exists()
    data["p_2026_02"] = "30"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a second submit replaces, never doubles
    assert MonthlyParticipantPlan.objects.count() == 12
    assert MonthlyParticipantPlan.objects.get(month=datetime.date(2026, 3, 1)).trainees == 12
    assert client.post(url, {"action": "reset"}).status_code == 302
    assert not MonthlyParticipantPlan.objects.exists()
    for user in (CoordinatorFactory(), FunderFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403 and client.post(url, data).status_code == 403


def test_dashboard_cards_show_the_plan_so_early_cards_are_not_red(client, year_programme):
    from unittest import mock

    from django.urls import reverse

    from events.models import Programme
    from menet_portal.tests.factories import FunderFactory

    Programme.objects.exclude(pk=year_programme.pk).delete()
    client.force_login(StaffFactory())
    with mock.patch("django.utils.timezone.now", return_value=local(2026, 4, 1, 8, 0)):
        body = client.get(reverse("reports:staff_home")).content.decode()
        assert "3-mal elmarad" in body and "48-cal elmarad" in body and "előrébb jár" in body
        assert body.count("plan-card-behind") == 2 and body.count("plan-card-on_track") == 2
        assert "Terv szerint mára: 15 · végső vállalás: 150" in body
        client.force_login(FunderFactory())
        funder = client.get(reverse("reports:funder_home")).content.decode()
        assert "3-mal elmarad" in funder and "Havi résztvevői terv szerkesztése" not in funder



def test_behind_label_in_english_has_no_hungarian_suffix():
    from django.utils import translation

    from plan.selectors import PlanItem

    item = PlanItem(key="trainees", label="x", actual=Decimal(12), planned=Decimal(15),
                    final_min=Decimal(150), final_max=Decimal(150))
    with translation.override("hu"):
        assert item.state_label == "3-mal elmarad"
    with translation.override("en"):
        assert item.state_label == "behind by 3"
