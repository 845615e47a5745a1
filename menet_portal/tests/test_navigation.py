"""Navigation: the current page is marked, one name per thing, a favicon from static/."""

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_the_current_page_is_the_active_menu_item(login, coordinator):
    content = login(coordinator).get(reverse("participants:registration_list")).content.decode()
    href = reverse("participants:registration_list")
    assert f'class="nav-link active" href="{href}" aria-current="page"' in content
    menu = content.split('aria-label="Fő navigáció"', 1)[1].split("</nav>", 1)[0]
    assert menu.count('aria-current="page"') == 1  # the other one is the breadcrumbs' last item


def test_one_name_for_the_printed_sheet_and_one_for_the_online_register(login, coordinator, trainer, staff):
    for user in (coordinator, staff):
        nav = login(user).get(reverse("home"), follow=True).content.decode()
        assert "Jelenléti ívek és jelentések (PDF)" in nav
        assert "Nyomtatványok<" not in nav and "Jelentések (PDF)<" not in nav
    nav = login(coordinator).get(reverse("participants:coordinator_home")).content.decode()
    assert "Jelenlét rögzítése" in nav
    nav = login(trainer).get(reverse("trainings:trainer_home")).content.decode()
    assert "Jelenlét rögzítése" in nav and ">Jelenléti ívek<" not in nav


def test_a_favicon_is_served_from_static(client):
    assert finders.find("favicon.svg")
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def _menu(content):
    return content.split('aria-label="Fő navigáció"', 1)[1].split("</nav>", 1)[0]


def test_each_role_sees_its_whole_menu_in_order_with_its_home_active(login, staff, coordinator, trainer, funder):
    import re

    from menet_portal.models import Role
    from menet_portal.navigation import MENUS

    for user, role in ((staff, Role.STAFF), (coordinator, Role.COORDINATOR), (trainer, Role.TRAINER),
                       (funder, Role.FUNDER)):
        home = reverse(MENUS[role][0].name)
        menu = _menu(login(user).get(home).content.decode())
        links = re.findall(r'<li class="nav-item"><a class="nav-link( active)?" href="([^"]*)"', menu)
        expected = [reverse(item.name) for item in MENUS[role]] + (["/admin/"] if role == Role.STAFF else [])
        assert [href for _, href in links] == expected
        assert [href for active, href in links if active] == [home]
        assert 'Adminisztráció</a>' in menu if role == Role.STAFF else "Adminisztráció" not in menu


def test_a_menu_item_whose_address_does_not_reverse_is_drawn_without_one(rf):
    from menet_portal.navigation import menu_html

    html = menu_html([("nincs:ilyen", "Próba <b>", ""), ("home", "Kezdőlap", "/")], "home", "/x/")
    assert html == (
        '<li class="nav-item"><a class="nav-link" href="">Próba &lt;b&gt;</a></li>\n'
        '<li class="nav-item"><a class="nav-link active" href="/" aria-current="page">Kezdőlap</a></li>\n'
    )
