"""The navigation bar's items (menet_portal/navigation.py), drawn in Python: a template include
per item was ≈ 0.1 ms each, on every page of the workspace."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from menet_portal.navigation import menu_html, nav_item_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_menu_items(context):
    """The role's menu (``nav_links`` of the context processor), the page's section active."""
    request = context.get("request")
    return menu_html(context.get("nav_links", ()), context.get("nav_section"), request.path if request else None)


@register.simple_tag(takes_context=True)
def nav_item(context, name, label):
    """One more item (the admin for staff, a template's own block), active on its section or page."""
    try:
        href = reverse(name)
    except NoReverseMatch:
        href = ""
    request = context.get("request")
    active = name == context.get("nav_section") or (request is not None and request.path == href)
    return SafeString(nav_item_html(href=href, label=label, active=active) + "\n")
