"""Template tags of the public site."""

from django import template

from public_site.selectors import current_programme as _current_programme

register = template.Library()


@register.simple_tag
def current_programme():
    """The programme the site presents, for pages whose view gives none (the support block)."""
    return _current_programme()
