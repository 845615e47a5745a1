"""Password change for every logged-in user, password reset by e-mail through the outbox."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from menet_portal.notifications.models import MessageKind, OutboxMessage
from menet_portal.notifications.outbox import deliver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("user_fixture", ["staff", "coordinator", "trainer", "funder"])
def test_every_user_changes_their_password(request, login, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client = login(user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Jelszó módosítása" in page.content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": "jelszo-123", "new_password1": "Uj-Konyvtar-Jelszo-77", "new_password2": "Uj-Konyvtar-Jelszo-77",
    }, follow=True)
    assert "A jelszava megváltozott" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Uj-Konyvtar-Jelszo-77")


def test_a_wrong_old_password_is_refused_in_hungarian(login, coordinator):
    client = login(coordinator)
    response = client.post(reverse("password_change"), {
        "old_password": "rossz", "new_password1": "Uj-Konyvtar-Jelszo-77", "new_password2": "Uj-Konyvtar-Jelszo-77",
    })
    assert response.status_code == 200
    coordinator.refresh_from_db()
    assert coordinator.check_password("jelszo-123")


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_reset_writes_one_outbox_row_and_its_link_sets_a_new_password(client, coordinator, django_capture_on_commit_callbacks):
    assert "Elfelejtett jelszó" in client.get(reverse("login")).content.decode()
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200 and "Új jelszó kérése" in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": coordinator.email.upper()}, follow=True)
    assert "Ha a megadott címmel van fiók" in response.content.decode()
    assert mail.outbox == []  # nothing sent directly
    rows = list(OutboxMessage.objects.filter(kind=MessageKind.PASSWORD_RESET))
    assert len(rows) == 1 and rows[0].recipient == coordinator.email and rows[0].user == coordinator
    assert "token" not in str(rows[0].context)  # the link is made when the message is sent, not stored

    assert deliver(rows[0].pk) == "sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "jelszó" in message.subject.lower()
    link = re.search(r"http://\S+/belepes/jelszo/uj/\S+/", message.body).group(0)
    path = link.split("8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and "Új jelszó megadása" in form_page.content.decode()
    response = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "Uj-Konyvtar-Jelszo-77", "new_password2": "Uj-Konyvtar-Jelszo-77"}, follow=True)
    assert "Az új jelszó beállítva" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password("Uj-Konyvtar-Jelszo-77")
    # The link works once: the token is bound to the old password.
    again = client.get(path, follow=True)
    assert "érvénytelen" in again.content.decode()


def test_reset_for_an_unknown_address_answers_the_same_and_writes_nothing(client, coordinator):
    known = client.post(reverse("password_reset"), {"email": coordinator.email}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "senki@example.hu"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert OutboxMessage.objects.filter(kind=MessageKind.PASSWORD_RESET).count() == 1


def test_a_reset_message_for_a_deactivated_account_is_skipped(client, coordinator):
    client.post(reverse("password_reset"), {"email": coordinator.email})
    row = OutboxMessage.objects.get(kind=MessageKind.PASSWORD_RESET)
    coordinator.is_active = False
    coordinator.save()
    assert deliver(row.pk) == "skipped"
    assert mail.outbox == []
