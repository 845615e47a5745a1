"""Small text filters of the portal's templates."""

from django import template

register = template.Library()


@register.filter
def without_final_stop(value):
    """A label without its closing full stop, for "label: message" (the consent label ends in one)."""
    return str(value).rstrip().rstrip(".")
