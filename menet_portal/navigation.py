"""The workspace's menus, the active menu item and the breadcrumbs, in one place.

``base.html`` draws each role's menu from ``MENUS``. The active item is the menu entry the
current page belongs to: the one whose address is the longest prefix of the page's address
(``/resztvevok/123/`` belongs to ``/resztvevok/``, the "Résztvevők" item), unless
``SECTION_OVERRIDES`` says otherwise. The breadcrumbs are the role's home, that menu item, and
the page itself (``PAGE_LABELS``; a template may name the page more precisely in
``{% block breadcrumb_current %}``, e.g. with the person's name).
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .models import Role


@lru_cache(maxsize=256)
def _reversed(name, urlconf, root_urlconf, script_prefix):
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class MenuItem:
    name: str  # URL name
    label: str

    @property
    def href(self):
        # A menu address has no arguments: it depends only on the URLconf and the script prefix,
        # which are the cache's key (every page reversed the ~15 of its menu, ≈ 0.5 ms).
        return _reversed(self.name, get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())


# The first item of each menu is the role's home page.
MENUS = {
    Role.STAFF: [
        MenuItem("reports:staff_home", _("Áttekintés")),
        MenuItem("events:info_day_list", _("Információs napok")),
        MenuItem("participants:participant_list", _("Résztvevők")),
        MenuItem("participants:registration_list", _("Jelentkezések")),
        MenuItem("events:overview", _("Események")),
        MenuItem("trainings:course_list", _("Képzések")),
        MenuItem("setup:home", _("Beállítás")),
        MenuItem("notifications:outbox", _("Értesítések")),
        MenuItem("report_documents:home", _("Jelenléti ívek és jelentések (PDF)")),
        MenuItem("evidence:overview", _("Igazolások")),
        MenuItem("photos:overview", _("Fotók")),
        MenuItem("privacy:duplicate_list", _("Adatvédelem")),
        MenuItem("lockouts", _("Zárolt belépések")),
    ],
    Role.COORDINATOR: [
        MenuItem("participants:coordinator_home", _("Könyvtáram")),
        MenuItem("participants:participant_list", _("Résztvevők")),
        MenuItem("participants:registration_list", _("Jelentkezések")),
        MenuItem("trainings:course_list", _("Képzések")),
        MenuItem("trainings:register_overview", _("Jelenlét rögzítése")),
        MenuItem("report_documents:home", _("Jelenléti ívek és jelentések (PDF)")),
        MenuItem("evidence:overview", _("Igazolások")),
    ],
    Role.TRAINER: [
        MenuItem("trainings:trainer_home", _("Képzéseim")),
        MenuItem("trainings:register_overview", _("Jelenlét rögzítése")),
    ],
    Role.FUNDER: [
        MenuItem("reports:funder_home", _("Mutatók")),
        MenuItem("report_documents:archive", _("Jelentések")),
        MenuItem("evidence:overview", _("Igazolások")),
    ],
}

# Pages whose address does not say where they belong: URL name (or namespace + ":") -> menu
# items, the first one in the role's menu wins.
SECTION_OVERRIDES = {
    "events:manage": ["events:overview"],
    "privacy:": ["privacy:duplicate_list"],
    "evidence:sign_": ["trainings:register_overview", "evidence:overview"],
    "trainings:course_detail": ["trainings:course_list", "trainings:trainer_home"],
    "trainings:course_progress": ["trainings:course_list", "trainings:trainer_home"],
    "trainings:issue_links": ["trainings:course_list", "trainings:trainer_home"],
    "reports:attendance_list": ["events:overview"],
    # The questionnaire's staff pages sit under the dashboard; paper entry and the
    # non-respondent list are reached from the register page.
    "feedback:paper_entry": ["trainings:register_overview", "reports:staff_home"],
    "feedback:non_respondents": ["trainings:register_overview"],
    "feedback:": ["reports:staff_home"],
    "plan:": ["reports:staff_home"],
    "photos:event": ["trainings:register_overview", "photos:overview", "evidence:overview"],
}

# Pages that are not part of the workspace (public site, personal links): no breadcrumbs.
OUTSIDE_WORKSPACE = ("public:", "trainings:material_", "notifications:opt_out", "login", "password_reset",
                     "feedback:answer")

PAGE_LABELS = {
    "lockouts": _("Zárolt belépések"),
    "password_change": _("Jelszó módosítása"),
    "password_change_done": _("Jelszó módosítása"),
    "events:info_day_list": _("Információs napok"),
    "events:overview": _("Események áttekintése"),
    "events:manage": _("Esemény kezelése"),
    "setup:home": _("Program beállítása"),
    "setup:info_day_create": _("Új információs nap"),
    "setup:info_day_edit": _("Információs nap szerkesztése"),
    "setup:site_create": _("Új képzési helyszín"),
    "setup:site_edit": _("Képzési helyszín szerkesztése"),
    "setup:course_create": _("Új képzés"),
    "setup:course_edit": _("Képzés szerkesztése"),
    "setup:account_create": _("Új koordinátor vagy oktató"),
    "setup:account_edit": _("Koordinátor vagy oktató szerkesztése"),
    "trainings:trainer_home": _("Képzéseim"),
    "trainings:course_list": _("Képzések"),
    "trainings:course_detail": _("Képzés"),
    "trainings:course_progress": _("Haladás a tananyagban"),
    "trainings:issue_links": _("Tananyag-linkek"),
    "trainings:register_overview": _("Jelenlét rögzítése"),
    "trainings:session_register": _("Foglalkozás jelenléte"),
    "trainings:info_day_register": _("Információs nap jelenléte"),
    "participants:coordinator_home": _("Könyvtáram"),
    "participants:participant_list": _("Résztvevők"),
    "participants:participant_create": _("Résztvevő regisztrálása"),
    "participants:participant_detail": _("Résztvevő adatlapja"),
    "participants:participant_edit": _("Adatok módosítása"),
    "participants:registration_list": _("Jelentkezések"),
    "participants:registration_cancel": _("Jelentkezés lemondása"),
    "participants:registration_bulk": _("Kijelölt jelentkezések"),
    "participants:import_upload": _("Lista betöltése"),
    "participants:import_preview": _("Betöltés előnézete"),
    "report_documents:home": _("Jelenléti ívek és jelentések (PDF)"),
    "report_documents:generate": _("Dokumentum készítése"),
    "report_documents:archive": _("Archívum"),
    "report_documents:detail": _("Archivált dokumentum"),
    "report_documents:status": _("Archivált dokumentum"),
    "report_documents:finalise": _("Véglegesítés"),
    "report_documents:delete": _("Törlés"),
    "report_documents:course_certificates": _("Tanúsítványok"),
    "reports:staff_home": _("Áttekintés"),
    "reports:funder_home": _("Mutatók"),
    "reports:attendance_list": _("Jelenléti adatok"),
    "notifications:outbox": _("Értesítések"),
    "notifications:resend": _("Újraküldés"),
    "privacy:duplicate_list": _("Lehetséges duplikátumok"),
    "privacy:duplicate_detail": _("Lehetséges duplikátum"),
    "privacy:person": _("Személyes adatok"),
    "privacy:access_log": _("Hozzáférési napló"),
    "evidence:overview": _("Igazolások"),
    "plan:edit": _("Havi résztvevői terv"),
    "evidence:sign_participant": _("Aláírás"),
    "evidence:sign_register": _("Aláírás"),
    "evidence:upload_scan": _("Beolvasott ív feltöltése"),
    "feedback:results": _("Elégedettségi kérdőív"),
    "feedback:event": _("Elégedettségi kérdőív – esemény"),
    "feedback:paper_entry": _("Papíron kitöltött kérdőív"),
    "feedback:non_respondents": _("Akik még nem válaszoltak"),
    "photos:overview": _("Fotódokumentáció"),
    "photos:event": _("Fényképek"),
}


def role_of(user):
    if user is None or not user.is_authenticated:
        return None
    return Role.STAFF if user.is_superuser else user.role


def _matches(view_name, key):
    return view_name.startswith(key) if key.endswith(":") else view_name == key


def section_for(role, view_name, path, hrefs=None):
    """The menu item of ``role`` the page belongs to, or ``None``. ``hrefs`` (item name -> address)
    saves reversing the addresses again when the caller has them."""
    menu = MENUS.get(role, [])
    if hrefs is None:
        hrefs = {item.name: item.href for item in menu}
    for key, candidates in SECTION_OVERRIDES.items():
        if view_name and _matches(view_name, key):
            for name in candidates:
                for item in menu:
                    if item.name == name:
                        return item
            return None
    best, best_href = None, None
    for item in menu:
        href = hrefs[item.name]
        if href and path.startswith(href) and (best is None or len(href) > len(best_href)):
            best, best_href = item, href
    return best


def nav_item_html(*, href, label, active) -> SafeString:
    """One entry of the navigation bar (what an ``_nav_item.html`` include drew, once per item per
    page), without the line break that follows each."""
    if active:
        return format_html('<li class="nav-item"><a class="nav-link active" href="{}" aria-current="page">{}</a></li>',
                           href, label)
    return format_html('<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>', href, label)


def menu_html(links, section_name, path) -> SafeString:
    """The role's menu items (``nav_links`` of ``navigation_context``) as list items, the page's
    section (or the item whose address is the page's) marked active."""
    return SafeString("".join(
        nav_item_html(href=href, label=label, active=name == section_name or path == href) + "\n"
        for name, label, href in links
    ))


def navigation_context(request):
    role = role_of(getattr(request, "user", None))
    if role is None:
        return {"nav_role": None}
    menu = MENUS.get(role, [])
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    # Each address reversed once per page: for the active item, the menu and the breadcrumbs.
    hrefs = {item.name: item.href for item in menu}
    section = section_for(role, view_name, request.path, hrefs)
    context = {
        "nav_role": role, "nav_menu": menu, "nav_section": section.name if section else None,
        # (name, label, address): base.html draws them with {% nav_menu_items %}; an address that
        # does not reverse is "" there, as {% url ... as href %} made it.
        "nav_links": [(item.name, item.label, hrefs[item.name] or "") for item in menu],
    }
    home = menu[0] if menu else None
    inside = view_name and not view_name.startswith(OUTSIDE_WORKSPACE)
    if home and inside and view_name != home.name:
        trail = [(hrefs[home.name], home.label)]
        if section and section.name not in (home.name, view_name):
            trail.append((hrefs[section.name], section.label))
        context["breadcrumbs"] = trail
        context["breadcrumb_current"] = PAGE_LABELS.get(view_name) or (section.label if section else "")
    return context
