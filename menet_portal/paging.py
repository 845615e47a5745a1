"""Paging long lists.

- ``list_page``: pages of the lists that share one page; each list turns with its own address
  parameter, so turning one keeps the others (and the filters) where they are.
- ``IdsFirstPaginator`` and ``IdsFirstTable`` (django-tables2): a page of a long joined list
  chosen by its ids over the filtered table alone, then only those rows joined.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict


@dataclass
class ListPage:
    page: Page
    param: str  # the list's page parameter in the address
    query: str  # the other parameters of the address, for the page links
    anchor: str  # the list's heading, where a page link lands


def list_page(request, queryset, *, param: str, anchor: str, per_page: int = 25) -> ListPage:
    """A page of ``queryset`` for ``request`` (a forged or missing page number gives the first or
    last page). On a POST (a form shown again with its errors) the first page of each list."""
    query = request.GET if request.method == "GET" else QueryDict()
    page = Paginator(queryset, per_page).get_page(query.get(param))
    kept = query.copy()
    kept.pop(param, None)
    return ListPage(page=page, param=param, query=kept.urlencode(), anchor=anchor)


class IdsFirstPaginator(Paginator):
    """A page of a long joined list: the page's ids are chosen (ORDER BY … LIMIT/OFFSET) over
    the filtered table alone, and only those rows are joined to their related rows, in the
    same order. The plain page sorted the wide joined rows of the whole
    scope and hashed every organisation to keep 50 (a coordinator's participant list at
    100,000 people). Every order of the lists ends with the primary key, so pages neither
    overlap nor skip a row."""

    def __init__(self, object_list, per_page, *, select_related=(), rows=None):
        """``rows(queryset of the page's rows)`` may add what only the page's rows need (counts
        as subqueries, annotations): over the whole ordered list, PostgreSQL evaluated them for
        every row the OFFSET skips (the register overview's 7,000 sessions before today)."""
        super().__init__(object_list, per_page)
        self.select_related = select_related
        self.rows = rows

    def get_page(self, number):
        """The page's ids and the total in one statement (``COUNT(*) OVER ()``: the scope and the
        filters are evaluated once, not again for a separate COUNT), then those rows by id.
        A list that is empty or a number past the last page take Django's way (count, then the
        last page), so the answer is always Paginator.get_page's."""
        from django.db.models import Count, Window

        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 0
        if wanted >= 1:
            bottom = (wanted - 1) * self.per_page
            hits = list(self.object_list.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")
                        [bottom:bottom + self.per_page])
            if hits:
                self.__dict__["count"] = hits[0][1]  # Paginator.count is a cached_property
                return self._get_page(self._rows([pk for pk, _total in hits]), wanted, self)
        return super().get_page(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        # The ids as a list: as a subquery PostgreSQL planned the page's joins and sort around it
        # (178 ms for staff's attendance list instead of 1).
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self._rows(ids), number, self)

    def _rows(self, ids):
        queryset = self.object_list
        rows = queryset.model._default_manager.filter(pk__in=ids).select_related(*self.select_related)
        if self.rows is not None:
            rows = self.rows(rows)
        return rows.order_by(*queryset.query.order_by)


class IdsFirstTable:
    """A django-tables2 table (mixed in before ``tables.Table``) whose page is read ids first
    (``IdsFirstPaginator``): the page's ids in the table's order over the filtered queryset
    alone, then only those rows with their ``page_select_related``. The wide joined rows sorted
    whole made PostgreSQL choose differently: for a coordinator it walked every attendance row
    newest first and compared each with the library's 2,000 registration ids (230 ms for 50
    rows); the ids alone are a hash of those ids and a sort of the library's 1,300 rows (4 ms)."""

    page_select_related: tuple = ()

    def paginate(self, paginator_class=None, per_page=None, page=1, *args, **kwargs):
        per_page = per_page or self._meta.per_page
        # Every order ends with the primary key, so that pages neither overlap nor skip a row
        # among equal values (a sort by status or session: thousands of equal rows).
        order = list(self.data.data.query.order_by)
        if not order or order[-1] not in ("pk", "-pk", "id", "-id"):
            self.data.data = self.data.data.order_by(*order, "pk")
        self.paginator = _TablePaginator(self, per_page)
        self.page = self.paginator.page(page)
        return self


class _TablePaginator(IdsFirstPaginator):
    """``IdsFirstPaginator`` over a table's ordered queryset whose pages hold the table's rows
    (django-tables2's ``BoundRows``), also the first or last page that ``RequestConfig`` asks
    for after a forged page number."""

    def __init__(self, table, per_page):
        super().__init__(table.data.data, per_page, select_related=table.page_select_related)
        self.table = table

    def _get_page(self, object_list, number, paginator):
        from django_tables2.rows import BoundRows

        return super()._get_page(BoundRows(data=list(object_list), table=self.table), number, paginator)
