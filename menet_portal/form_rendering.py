"""The form renderer of the portal (``settings.FORM_RENDERER``): Django's, with its most drawn
widget templates written out in Python.

Every filter bar and form draws its inputs and selects through Django's widget templates: a
``<select>`` is an include per option and another per option's attributes. On the lists of
people and registrations that was 4–6 ms of each page (docs/performance.md). The templates below
are short and fixed, so the renderer draws them itself and gives byte for byte what the
templates give (``menet_portal/tests/test_form_rendering.py`` renders every widget kind both ways,
and checks that Django's templates are still the ones written out here). Any other template,
an option drawn by another template (radio buttons, checkboxes), and any template a project or
app overrides, go through Django as before.
"""

from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
ATTRS, INPUT, SELECT, OPTION = (f"{WIDGETS}{name}.html" for name in ("attrs", "input", "select", "select_option"))
# Django's templates that are only ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in ("input", "text", "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number",
                 "password", "search", "tel", "time", "url")
)


def _shown(value) -> str:
    """``{{ value }}``: localised (numbers, dates) and escaped, as the template engine shows it."""
    if not isinstance(value, str):
        value = str(localize(template_localtime(value)))
    return conditional_escape(value)


def _as_string(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``%s`` of the value, escaped unless it was safe."""
    if isinstance(value, tuple):
        value = str(value)
    text = "%s" % (value,)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs) -> str:
    """``attrs.html``: `` name="value"`` per attribute, `` name`` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_shown(name)}")
        else:
            parts.append(f' {_shown(name)}="{_as_string(value)}"')
    return "".join(parts)


def _input(widget) -> str:
    value = widget["value"]
    shown = f' value="{_as_string(value)}"' if value != None else ""  # noqa: E711 (the template's != None)
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _option(option) -> str:
    return f'<option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>{_shown(option["label"])}</option>'


def _select(widget) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None  # an option of its own template: Django draws the whole select
            parts.append(f"\n  {_option(option)}\n")  # the option template's own line end stays
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


DJANGO_WIDGET_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


class PortalFormRenderer(DjangoTemplates):
    """Django's default renderer; inputs, selects and their options drawn without a template."""

    @cached_property
    def written_out(self) -> frozenset[str]:
        """The templates drawn here: those the engine loads from Django itself (an app that brings
        its own ``select.html`` keeps it)."""
        names = INPUT_TEMPLATES | {ATTRS, SELECT, OPTION}
        return frozenset(
            name for name in names
            if Path(self.get_template(name).origin.name).is_relative_to(DJANGO_WIDGET_TEMPLATES)
        )

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and len(context) == 1 and template_name in self.written_out:
            if template_name in INPUT_TEMPLATES:
                return SafeString(_input(widget))
            if template_name == SELECT:
                html = _select(widget)
                if html is not None:
                    return SafeString(html)
            elif template_name == OPTION:
                return SafeString(_option(widget))
            elif template_name == ATTRS:
                return SafeString(_attrs(widget["attrs"]).strip())
        return super().render(template_name, context, request=request)
