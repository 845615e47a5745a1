"""HTML (Django templates, autoescaped) to PDF (WeasyPrint), through our restricted fetcher."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from .fetcher import StaticFilesOnlyFetcher, static_base_url


@dataclass
class RenderedPDF:
    content: bytes
    page_count: int


def render_html(template_name: str, context: dict) -> str:
    """Reports go to the ministry in Hungarian, whatever language the requester browses in."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template_name, context)


def html_to_pdf(html: str, *, fetcher: StaticFilesOnlyFetcher | None = None, progress=None) -> RenderedPDF:
    fetcher = fetcher or StaticFilesOnlyFetcher()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render()
    if progress:
        progress(80)
    content = document.write_pdf()
    return RenderedPDF(content=content, page_count=len(document.pages))
