"""The registration form: the portal's own messages (novalidate) and "Mentés és új"."""

from django.urls import reverse


def test_the_registration_form_has_novalidate_and_save_and_add_another(login, coordinator):
    content = login(coordinator).get(reverse("participants:participant_create")).content.decode()
    assert 'id="participant-form"' in content
    form_tag = content.split('id="participant-form"', 1)[0].rsplit("<form", 1)[1] + content.split('id="participant-form"', 1)[1].split(">", 1)[0]
    assert "novalidate" in form_tag
    assert 'name="save_another"' in content and "Mentés és új" in content
