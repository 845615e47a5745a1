"""Pages of the lists that share one page: each list turns with its own address parameter, so
turning one keeps the others (and the filters) where they are."""

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
