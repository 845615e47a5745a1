import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.programme_seed import PROGRAMME, seed_programme
from events.models import Programme
from participants.demo_data import create_demo_participants
from reports.selectors import programme_indicators

from menet_portal.tests.factories import ProgrammeFactory, TrainingSiteFactory

from .factories import course_with_sessions, mixed_programme

pytestmark = pytest.mark.django_db


def _seeded(n):
    seed_programme()
    programme = Programme.objects.get(slug=PROGRAMME["slug"])
    create_demo_participants(programme, n, seed=7)
    return programme


@pytest.mark.parametrize("participants", [50, 5000])
def test_dashboard_runs_a_fixed_small_number_of_queries(login, staff, django_assert_max_num_queries, participants):
    _seeded(participants)
    client = login(staff)
    # 10 for the page + 3 for the idle-timeout stamp written on a session's first request (savepoint, update, release)
    # + up to 3 for the questionnaire card (questionnaire with its counts, its questions, the answer totals)
    # + 1 for the stored monthly plan (plan.selectors) + 5 for the evidence counts (evidence.selectors).
    with django_assert_max_num_queries(22) as ctx:
        response = client.get(reverse("reports:staff_home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Programáttekintés" in body and "<svg" in body
    print(f"{participants} participants: {len(ctx.captured_queries)} queries")


@pytest.mark.parametrize("participants", [50, 5000])
def test_funder_viewer_runs_a_fixed_small_number_of_queries(login, funder, django_assert_max_num_queries, participants):
    _seeded(participants)
    client = login(funder)
    # + 1 for the stored monthly plan, + 5 for the evidence counts (issue 14).
    with django_assert_max_num_queries(19):
        assert client.get(reverse("reports:funder_home")).status_code == 200


def _figure_text(body, key):
    match = re.search(rf'data-figure="{key}".*?<div class="fs-3 fw-semibold">(.*?)</div>', body, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).split()


def test_dashboard_shows_the_selector_figures_and_states(login, staff):
    programme = mixed_programme(seed=3, people=30)
    Programme.objects.exclude(pk=programme.pk).delete()
    ind = programme_indicators(programme)
    body = login(staff).get(reverse("reports:staff_home")).content.decode()
    assert _figure_text(body, "info_days_held")[:3] == [str(ind.info_days_held.value), "/", "7"]
    assert _figure_text(body, "info_day_attended")[:3] == [str(ind.info_day_attended.value), "/", "175–210"]
    assert _figure_text(body, "trainees")[:3] == [str(ind.trainees.value), "/", "150"]
    assert _figure_text(body, "completions")[0] == str(ind.completions.value)
    assert "minimum alatt" in body
    # each figure links to the list behind it
    assert reverse("events:overview") + "?kind=info_day" in body
    assert reverse("reports:attendance_list") + "?kind=info_day&amp;attended=1" in body


def test_dashboard_links_to_registration_lists_once_they_exist(login, staff):
    from django.urls import NoReverseMatch

    try:
        url = reverse("participants:registration_list")
    except NoReverseMatch:
        pytest.xfail("participants:registration_list (issue 3) is not on main yet")
    programme = mixed_programme(seed=3, people=5)
    Programme.objects.exclude(pk=programme.pk).delete()
    body = login(staff).get(reverse("reports:staff_home")).content.decode()
    day = programme.info_days.order_by("date").first()
    assert f"{url}?info_day={day.pk}&amp;status=confirmed" in body


def test_dashboard_alerts_are_shown(login, staff):
    programme = mixed_programme(seed=3, people=10)
    Programme.objects.exclude(pk=programme.pk).delete()
    body = login(staff).get(reverse("reports:staff_home")).content.decode()
    assert 'id="alert-below-minimum"' in body  # the info day in 5 days has at most 10 people
    assert "Figyelmeztetések" in body


def test_empty_dashboard_without_programme(login, staff):
    Programme.objects.all().delete()
    assert "seed_programme" in login(staff).get(reverse("reports:staff_home")).content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_indicator_export(login, staff, fmt):
    programme = mixed_programme(seed=3, people=10)
    Programme.objects.exclude(pk=programme.pk).delete()
    response = login(staff).get(reverse("reports:indicator_export"), {"format": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert text.splitlines()[0] == "Bontás;Megnevezés;Mutató;Érték;Vállalás (minimum);Vállalás (maximum);Állapot"
        ind = programme_indicators(programme)
        assert f"Összesen;;Információs napon részt vett;{ind.info_day_attended.value};175;210;" in text


def test_indicator_export_refuses_unknown_format(login, staff):
    assert login(staff).get(reverse("reports:indicator_export"), {"format": "pdf"}).status_code == 400


def test_missing_attendance_alert_links_to_the_register(login, staff):
    Programme.objects.all().delete()
    programme = ProgrammeFactory()
    course, sessions = course_with_sessions(site=TrainingSiteFactory(programme=programme),
                                            starts=timezone.now() - datetime.timedelta(days=2))
    body = login(staff).get(reverse("reports:staff_home")).content.decode()
    assert 'id="alert-attendance-missing"' in body
    assert reverse("trainings:session_register", args=[sessions[0].pk]) in body


def test_every_dashboard_link_opens_for_staff(login, staff):
    """The list behind each figure exists and opens (no dead link, no link to a foreign page)."""
    programme = mixed_programme(seed=3, people=10)
    Programme.objects.exclude(pk=programme.pk).delete()
    client = login(staff)
    body = client.get(reverse("reports:staff_home")).content.decode()
    links = set(re.findall(r'href="(/[^"]*)"', body))
    checked = 0
    for link in sorted(links):
        if link.startswith(("/static/", "/admin/")) or "letoltes" in link:
            continue
        response = client.get(link.replace("&amp;", "&"), follow=True)
        assert response.status_code == 200, link
        checked += 1
    assert checked >= 15


def _site_rows(body):
    table = re.search(r'<table[^>]*id="by-site".*?</table>', body, re.S).group(0)
    return re.findall(r'<tr><th scope="row">(.*?)</th>', table)


@pytest.mark.parametrize("user", ["staff", "funder"])
def test_the_site_table_is_paged_and_its_pages_reach_every_site(login, staff, funder, user):
    """45 sites: 20 on a page, the pages together list each once, in the selector's order, and
    the export still carries all of them."""
    from django.utils.html import escape

    Programme.objects.all().delete()
    programme = ProgrammeFactory()
    for _ in range(45):
        TrainingSiteFactory(programme=programme)
    labels = [escape(row.label) for row in programme_indicators(programme).by_training_site]
    client = login(staff if user == "staff" else funder)
    url = reverse("reports:staff_home" if user == "staff" else "reports:funder_home")
    seen, page, pages = [], 1, 0
    while page:
        body = client.get(url, {"helyszinek": page}).content.decode()
        rows = _site_rows(body)
        assert len(rows) == (20 if page < 3 else 5)
        seen += rows
        pages += 1
        nxt = re.search(r'href="\?helyszinek=(\d+)#sites-title">Következő', body)
        page = int(nxt.group(1)) if nxt else None
    assert pages == 3 and seen == labels
    assert "45 képző intézmény, ezen az oldalon: 41–45." in body
    text = b"".join(client.get(reverse("reports:indicator_export"), {"format": "csv"}).streaming_content).decode(
        "utf-8-sig")
    assert sum(1 for line in text.splitlines() if line.startswith("Képző intézmény;") and
               ";Megtartott képzések;" in line) == 45


def test_long_alert_lists_show_ten_and_link_to_all(login, staff):
    Programme.objects.all().delete()
    programme = ProgrammeFactory()
    site = TrainingSiteFactory(programme=programme)
    for i in range(3):  # 12 ended sessions without a register
        course_with_sessions(site=site, starts=timezone.now() - datetime.timedelta(days=30 + i))
    client = login(staff)

    def missing_items(body):
        block = re.search(r'id="alert-attendance-missing".*?</div>', body, re.S).group(0)
        return block, block.count("<li>")

    block, shown = missing_items(client.get(reverse("reports:staff_home")).content.decode())
    assert shown == 10 and "Az első 10 látszik a(z) 12 közül." in block
    link = re.search(r'href="(\?figyelmeztetesek=mind)#alerts"', block).group(1)
    block, shown = missing_items(client.get(reverse("reports:staff_home") + link).content.decode())
    assert shown == 12 and "Az első" not in block


@pytest.mark.parametrize("value,low,high", [(3, 5, None), (6, 5, 10), (10, 5, 10), (4, None, None)])
def test_state_badge_draws_what_the_state_include_drew(value, low, high):
    from django.template import Context, Template

    from reports.selectors import Figure

    figure = Figure(value, low, high)
    include = Template('{% include "reports/_state.html" %}').render(Context({"figure": figure}))
    tag = Template("{% load dashboard %}{% state_badge figure %}").render(Context({"figure": figure}))
    assert tag == include.strip()
    assert (tag != "") == (low is not None)
