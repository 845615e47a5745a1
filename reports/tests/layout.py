"""Look at a rendered PDF's layout the way a reader would: WeasyPrint's boxes per page.

Used by the print-defect tests: nothing runs off the right edge, the signature block keeps
rows with it, no page holds a lone row.
"""

from weasyprint import HTML

from reports.documents.fetcher import StaticFilesOnlyFetcher, static_base_url

MM = 96 / 25.4  # CSS px per millimetre


def render(html: str):
    return HTML(string=html, base_url=static_base_url(), url_fetcher=StaticFilesOnlyFetcher()).render()


def walk(box):
    yield box
    children = getattr(box, "all_children", None)
    for child in (children() if children else []):
        yield from walk(child)


def _classes(box):
    element = getattr(box, "element", None)
    return set(((element.get("class") if element is not None else None) or "").split())


def body_boxes(page):
    """The document's own boxes on a page (not the running header/footer in the margins)."""
    root = page._page_box.children[0]
    return walk(root)


def overflowing(document, *, tolerance=0.5):
    """(page number, tag, text) of every box whose right edge passes the page's content area."""
    found = []
    for n, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width + tolerance
        for box in body_boxes(page):
            if not hasattr(box, "border_width") or box.position_x is None:
                continue
            if box.border_box_x() + box.border_width() > right:
                found.append((n, getattr(box, "element_tag", ""), getattr(box, "text", "")))
    return found


def rows_per_page(document, row_class=None):
    """How many table body rows (not the repeated header) each page holds."""
    counts = []
    for page in document.pages:
        seen = set()
        for box in body_boxes(page):
            if type(box).__name__ != "TableRowGroupBox" or getattr(box, "is_header", False):
                continue
            for row in box.children:
                if row_class and row_class not in _classes(row):
                    continue
                seen.add(id(row.element))
        counts.append(len(seen))
    return counts


def pages_with_class(document, css_class):
    return [n for n, page in enumerate(document.pages, start=1)
            if any(css_class in _classes(box) for box in body_boxes(page))]


def texts_on_page(document, n):
    return " ".join(getattr(b, "text", "") for b in body_boxes(document.pages[n - 1]) if getattr(b, "text", None))
