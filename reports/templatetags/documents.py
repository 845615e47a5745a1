"""The documents pages' "make this PDF" buttons: one small POST form each, drawn in Python (a
template include per button was ≈ 0.3 ms, and a page of 25 courses has ~200 buttons)."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

_csrf = CsrfTokenNode()
_ACTION = "document_button.action"


@register.simple_tag(takes_context=True)
def document_button(context, kind, param, value, label, css="btn-outline-primary"):
    """A POST to ``report_documents:generate`` asking for ``kind`` about ``param``=``value``
    (what ``reports/documents/_button.html`` drew)."""
    action = context.render_context.get(_ACTION)
    if action is None:  # once per page, not per button
        action = context.render_context[_ACTION] = reverse("report_documents:generate")
    return format_html(
        '<form novalidate method="post" action="{}" class="d-inline">{}\n'
        '  <input type="hidden" name="kind" value="{}">\n'
        '  <input type="hidden" name="{}" value="{}">\n'
        '  <button type="submit" class="btn btn-sm {} mb-1">{}</button>\n'
        "</form>\n",
        action, _csrf.render(context), kind, param, value, css or "btn-outline-primary",
        label,
    )
