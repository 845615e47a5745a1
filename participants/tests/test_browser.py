"""The coordinator workspace in headless Debian Chromium."""

import os

import pytest

from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory, _tax_number, get_county
from participants.models import Participant, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_registers_a_business_participant_and_finds_them_in_the_list(
    live_server, page, browser_login, artifacts_dir
):
    get_county()
    coordinator = CoordinatorFactory()
    day = InfoDayFactory(library=coordinator.library, title="Információs nap – Tata")
    browser_login(coordinator)
    page.goto(f"{live_server.url}/resztvevok/uj/?info_day={day.pk}")

    organisation = page.locator("#organisation-fields")
    assert organisation.is_hidden()  # citizen by default: the organisation fields wait
    page.select_option("select[name=target_group]", "business")
    assert organisation.is_visible()
    page.fill("input[name=family_name]", "Szűcs")
    page.fill("input[name=given_name]", "Örs")
    page.fill("input[name=email]", "szucs.ors@example.hu")
    page.fill("input[name=phone]", "06 30 987 6543")
    page.fill("input[name=birth_year]", "1979")
    page.fill("input[name=settlement]", "Tata")
    page.select_option("select[name=county]", label="Komárom-Esztergom")
    page.fill("input[name=organisation_name]", "Szűcs és Fia Kft.")
    page.select_option("select[name=organisation_kind]", "company")
    page.select_option("select[name=size_band]", "small")
    page.fill("input[name=tax_number]", "10773382-2-44")  # wrong check digit
    page.check("input[name=consent]")
    page.click("#participant-form [type=submit][name=save]")
    page.wait_for_load_state("networkidle")

    error = page.locator("#id_tax_number ~ .invalid-feedback, #error_1_id_tax_number")
    assert "ellenőrző számjegye hibás" in page.content()
    assert error.first.is_visible()
    assert page.input_value("input[name=organisation_name]") == "Szűcs és Fia Kft."  # what was typed is kept
    assert page.locator("#organisation-fields").is_visible()
    page.locator("#id_tax_number").scroll_into_view_if_needed()
    path = os.path.join(artifacts_dir, "participant-form-error.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 10_000
    assert Participant.objects.count() == 0

    page.fill("input[name=tax_number]", _tax_number(777))
    page.click("#participant-form [type=submit][name=save]")
    page.wait_for_load_state("networkidle")
    assert "helyet kapott" in page.content()
    person = Participant.objects.get()
    assert person.organisation.tax_number == _tax_number(777) and person.phone == "+36 30 987 6543"
    assert Registration.objects.get().info_day_id == day.pk

    page.click("nav >> text=Résztvevők")
    page.wait_for_load_state("networkidle")
    row = page.locator("#participant-table tbody tr", has_text="Szűcs Örs")
    assert row.is_visible() and "Szűcs és Fia Kft." in row.inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "participant-list.png"), full_page=True)

    page.goto(f"{live_server.url}/resztvevok/koordinator/")
    page.screenshot(path=os.path.join(artifacts_dir, "coordinator-home-workspace.png"), full_page=True)
    assert "1 / 30" in page.content()


def test_import_preview_names_the_bad_rows(live_server, page, browser_login, artifacts_dir, tmp_path):
    from .test_imports import HEADER, bad_rows

    get_county()
    coordinator = CoordinatorFactory()
    day = InfoDayFactory(library=coordinator.library)
    file = tmp_path / "lista.csv"
    file.write_bytes("\r\n".join(";".join(r) for r in [HEADER, *bad_rows()]).encode("cp1250"))
    browser_login(coordinator)
    page.goto(f"{live_server.url}/resztvevok/betoltes/")
    page.select_option("select[name=event]", f"info_day:{day.pk}")
    page.set_input_files("input[name=file]", str(file))
    page.click("[type=submit][name=preview]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("#import-errors").inner_text()
    assert "2. sor" in errors and "3. sor" in errors and "5. sor" in errors
    assert page.locator("button[name=confirm]").is_disabled()
    page.screenshot(path=os.path.join(artifacts_dir, "import-preview-errors.png"), full_page=True)
    assert Participant.objects.count() == 0

    from .test_imports import good_rows

    file.write_bytes("\r\n".join(";".join(r) for r in [HEADER, *good_rows()]).encode("cp1250"))
    page.click("text=Másik fájl feltöltése")
    page.select_option("select[name=event]", f"info_day:{day.pk}")
    page.set_input_files("input[name=file]", str(file))
    page.click("[type=submit][name=preview]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#import-errors").count() == 0
    page.click("button[name=confirm]")
    page.wait_for_load_state("networkidle")
    assert "Betöltve: 4 sor" in page.locator("#import-status").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "import-done.png"), full_page=True)
    assert Registration.objects.filter(info_day=day).count() == 4


def test_registration_list_with_demo_data(live_server, page, browser_login, artifacts_dir):
    from django.core.management import call_command

    from menet_portal.models import User

    call_command("seed_demo", participants=300, verbosity=0)
    coordinator = User.objects.get(username="koord-szombathely")
    browser_login(coordinator, password="menet-demo-2026")
    page.click("nav >> text=Jelentkezések")
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=status]", "confirmed")
    page.click("form[aria-label=Szűrés] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "status=confirmed" in page.url
    badges = page.locator("#registration-table tbody .badge").all_inner_texts()
    assert badges and set(badges) == {"visszaigazolt"}
    page.screenshot(path=os.path.join(artifacts_dir, "registration-list.png"), full_page=False)
