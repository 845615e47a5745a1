from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from reports.charts import state_colour

register = template.Library()


@register.filter
def figure_colour(figure):
    return state_colour(figure.state)


@register.inclusion_tag("reports/charts/progress.html")
def progress_bar(figure, label=""):
    return {"figure": figure, "colour": state_colour(figure.state), "label": label}


@register.simple_tag
def with_query(url, **params):
    """``url`` with the non-empty ``params`` as its query string; empty when the URL is missing."""
    if not url:
        return ""
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


@register.filter
def get_item(mapping, key):
    if not hasattr(mapping, "get"):
        return None  # a template that was not given the mapping
    return mapping.get(key)


@register.inclusion_tag("reports/charts/plan_bar.html")
def plan_bar(item, label=""):
    """A figure's bar against the plan to date and the final commitment (reports.charts.plan_bar)."""
    from reports.charts import plan_bar as geometry

    return {"item": item, "bar": geometry(item, label)}


@register.simple_tag
def state_badge(figure):
    """A figure's state against its target as a badge (what reports/_state.html drew): a tag, not an
    include, because the dashboard's tables draw one per row."""
    if not figure.has_target:
        return ""
    return format_html('<span class="badge state-badge state-{}">{}</span>', figure.state, figure.state_label)
