"""Sortable columns of the workspace lists (participants, registrations, info days).

A list declares its columns as ``{key: order expressions}``; ``?rendezes=key`` sorts ascending,
``?rendezes=-key`` descending. Text columns sort in Hungarian alphabetical order
(``HungarianCollate``), and every order ends with the primary key, so pages never overlap or
skip a row. An unknown key is ignored (the list keeps its default order). The parameter stays in
the query string, so the CSV/XLSX export links (which repeat it) export in the same order.
Column headers: ``templates/includes/sort_header.html``.
"""

from django.db.models import F
from django.db.models.expressions import OrderBy

SORT_PARAM = "rendezes"


def _descending(expression):
    if isinstance(expression, OrderBy):
        # Empty values stay at the end whichever way the column is sorted.
        return OrderBy(expression.expression, descending=not expression.descending,
                       nulls_first=expression.nulls_first or None, nulls_last=expression.nulls_last or None)
    if isinstance(expression, str):
        return F(expression).desc()
    return expression.desc()


def sort_queryset(request, queryset, columns):
    """``(queryset, current)``: ``queryset`` ordered by the request's column, ``current`` the
    value in effect (``"nev"``, ``"-nev"``) or ``""`` when the default order applies."""
    value = (request.GET.get(SORT_PARAM) or "").strip()
    key = value.removeprefix("-")
    if key not in columns:
        return queryset, ""
    expressions = list(columns[key])
    if value.startswith("-"):
        expressions = [_descending(e) for e in expressions]
    return queryset.order_by(*expressions, "pk"), value
