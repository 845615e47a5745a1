"""Answering once through the signed link, paper answers, anonymity, the non-respondent list."""

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from feedback import selectors, services
from feedback.models import Answer, Invitation, InvitationChannel, Response
from menet_portal.tests import factories

pytestmark = pytest.mark.django_db


def _invited(held_info_day):
    day, regs = held_info_day
    services.write_due_invitations(now=timezone.now())
    return day, regs, [Invitation.objects.get(registration=r) for r in regs[:3]]


def _url(invitation):
    return reverse("feedback:answer", kwargs={"token": services.invitation_token(invitation)})


def _post_data(questionnaire, values=(5, 4, 3, 5), text="Nagyon jó volt, köszönöm."):
    questions = list(questionnaire.questions.all())
    data = {f"q{q.pk}": v for q, v in zip(questions[:4], values)}
    data[f"q{questions[4].pk}"] = text
    return data


def test_the_link_answers_once_without_login_and_a_double_submit_stores_one(client, held_info_day):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    url = _url(invitations[0])
    assert client.get(url).status_code == 200
    first = client.post(url, _post_data(questionnaire))
    assert first.status_code == 200 and "elmentettük" in first.content.decode()
    second = client.post(url, _post_data(questionnaire, values=(1, 1, 1, 1)))
    assert "már kitöltötte" in second.content.decode()
    assert Response.objects.count() == 1 and Answer.objects.filter(value=1).count() == 0
    invitation = Invitation.objects.get(pk=invitations[0].pk)
    assert invitation.answered_at and invitation.answered_via == InvitationChannel.ONLINE


def test_a_tampered_link_is_a_hungarian_404(client, held_info_day):
    day, regs, invitations = _invited(held_info_day)
    url = _url(invitations[0])
    response = client.get(url[:-3] + "xx/")
    assert response.status_code == 404 and "Az oldal nem található" in response.content.decode()
    assert client.get(reverse("feedback:answer", kwargs={"token": "forged"})).status_code == 404


def test_bad_answers_get_a_message_and_store_nothing(client, held_info_day):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    data = _post_data(questionnaire)
    data[next(iter(data))] = "9"
    response = client.post(_url(invitations[0]), data)
    assert response.status_code == 200 and "form-errors" in response.content.decode()
    assert Response.objects.count() == 0
    assert client.post(_url(invitations[0]), {}).status_code == 200  # nothing answered: refused
    assert Response.objects.count() == 0 and not Invitation.objects.get(pk=invitations[0].pk).answered_at
    with pytest.raises(services.QuestionnaireError):
        services.submit_online(invitation=invitations[0], data={"q999999": "3"})


def test_the_answer_tables_cannot_lead_to_a_person():
    """No foreign key from an answer to a person, a registration or an invitation; no time; random ids."""
    person_models = {"participants.participant", "participants.registration", "feedback.invitation",
                     "menet_portal.user"}
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model._meta.label_lower not in person_models, (model, field.name)
            assert not isinstance(field, (models.DateTimeField, models.DateField)), (model, field.name)
        assert isinstance(model._meta.pk, models.UUIDField)


def test_an_exported_answer_set_carries_no_name(client, held_info_day, staff):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    for invitation in invitations:
        services.submit_online(invitation=invitation, data=_post_data(questionnaire))
    client.force_login(staff)
    for url in (reverse("feedback:results"), reverse("feedback:event", kwargs={"kind": "informacios-nap", "pk": day.pk}),
                reverse("reports:indicator_export") + "?format=csv"):
        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8", "replace")
        for reg in regs:
            assert reg.participant.family_name not in body and reg.participant.email not in body


def test_non_respondents_are_listed_for_the_events_coordinator_only(client, held_info_day, coordinator_of, staff):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    services.submit_online(invitation=invitations[0], data=_post_data(questionnaire))
    url = reverse("feedback:non_respondents", kwargs={"kind": "informacios-nap", "pk": day.pk})
    client.force_login(coordinator_of(day.library))
    body = client.get(url).content.decode()
    assert regs[1].participant.family_name in body and regs[2].participant.family_name in body
    assert regs[0].participant.family_name not in body  # answered
    client.force_login(factories.CoordinatorFactory())  # another library
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(factories.FunderFactory())
    assert client.get(url).status_code == 403


def test_the_coordinator_keys_in_paper_answers_once(client, held_info_day, coordinator_of):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    url = reverse("feedback:paper_entry", kwargs={"kind": "informacios-nap", "pk": day.pk})
    client.force_login(coordinator_of(day.library))
    page = client.get(url).content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = {**_post_data(questionnaire), "respondent": str(regs[1].pk), "form_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click: the same form token
    assert Response.objects.count() == 1
    invitation = Invitation.objects.get(registration=regs[1])
    assert invitation.answered_via == InvitationChannel.PAPER
    assert regs[1].pk not in [i.registration_id for i in selectors.non_respondents(
        factories.CoordinatorFactory(library=day.library), day)]
    client.force_login(factories.CoordinatorFactory())
    assert client.post(url, data).status_code == 404


def test_never_more_paper_answers_than_people_present(held_info_day, staff):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    for _ in range(3):
        services.record_paper_response(event=day, data=_post_data(questionnaire), recorded_by=staff, target_group="citizen")
    with pytest.raises(services.QuestionnaireError):
        services.record_paper_response(event=day, data=_post_data(questionnaire), recorded_by=staff, target_group="citizen")
    with pytest.raises(services.QuestionnaireError):
        services.record_paper_response(event=factories.InfoDayFactory(), data=_post_data(questionnaire),
                                       recorded_by=staff, target_group="")
    assert Response.objects.count() == 3


def test_results_rate_mean_distribution_and_free_text_for_staff_only(client, held_info_day, staff):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    for invitation, values in zip(invitations, [(5, 5, 4, 5), (4, 5, 4, 3), (3, 5, 4, 4)]):
        services.submit_online(invitation=invitation, data=_post_data(questionnaire, values=values,
                                                                      text=f"Szöveg {values[0]}"))
    results = selectors.programme_results(day.programme)
    assert results.total.responses == 3 and results.total.invited == 3 and results.total.rate == 100
    first = results.total.questions[0]
    assert first.distribution == [0, 0, 1, 1, 1] and first.mean == 4.0
    by_group = results.breakdown("target_group")
    assert [(r.key, r.responses) for r in by_group] == [("citizen", 3)]
    by_region = results.breakdown("region")
    assert by_region[0].label == day.region.name and by_region[0].questions[1].mean == 5.0
    assert results.breakdown("site")[0].responses == 3 and results.breakdown("event")[0].invited == 3
    client.force_login(staff)
    event_page = client.get(reverse("feedback:event", kwargs={"kind": "informacios-nap", "pk": day.pk})).content.decode()
    assert "Szöveg 5" in event_page and "<svg" in event_page
    assert "<svg" in client.get(reverse("feedback:results")).content.decode()
    for user in (factories.FunderFactory(), factories.CoordinatorFactory(library=day.library)):
        client.force_login(user)
        assert client.get(reverse("feedback:event", kwargs={"kind": "informacios-nap", "pk": day.pk})).status_code == 403
        assert client.get(reverse("feedback:results")).status_code == 403


def test_a_small_group_shows_counts_but_no_mean(held_info_day):
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    services.submit_online(invitation=invitations[0], data=_post_data(questionnaire))
    row = selectors.programme_results(day.programme).breakdown("event")[0]
    assert row.responses == 1 and not row.shown


def test_the_dashboard_shows_the_totals_and_the_progress_report_prints_them_without_free_text(
        client, held_info_day, staff, settings, tmp_path, django_capture_on_commit_callbacks):
    from reports import archive
    from reports.models import ReportKind
    from reports.tests.conftest import pdf_pages

    settings.REPORTS_ARCHIVE_ROOT = tmp_path / "archive"
    day, regs, invitations = _invited(held_info_day)
    questionnaire = services.questionnaire_for(day.programme)
    for invitation in invitations:
        services.submit_online(invitation=invitation, data=_post_data(questionnaire, text="Titkos megjegyzés"))
    client.force_login(staff)
    body = client.get(reverse("reports:staff_home")).content.decode()
    assert 'id="questionnaire"' in body and "100%" in body
    with django_capture_on_commit_callbacks(execute=True):
        report = archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": day.programme.pk}, user=staff)
    report.refresh_from_db()
    content = archive.read_verified(report)
    text = " ".join(pdf_pages(content))
    assert "Elégedettségi kérdőív" in text and "Kitöltött kérdőívek: 3" in text
    assert "Titkos megjegyzés" not in text
    import os

    folder = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts", "feedback")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "progress-questionnaire.pdf"), "wb") as fh:
        fh.write(content)


def test_staff_edit_the_questionnaire_in_the_admin(client):
    factories.ProgrammeFactory()
    client.force_login(factories.StaffFactory(is_staff=True))
    response = client.get(reverse("feedback:edit"))
    assert response.status_code == 302 and "/admin/feedback/questionnaire/" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Mennyire volt hasznos" in page.content.decode()
