"""WeasyPrint's only way to the outside world: the project's own static files, nothing else.

User-entered text is escaped by the templates, but a report must stay safe even if some
markup slipped through: this fetcher serves files under ``static/`` only (fonts, images)
and refuses every other scheme (http, https, ftp, data, …), every other path, and any path
that leaves ``static/`` through ``..`` or a symbolic link.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def static_base_url() -> str:
    return static_root().as_uri() + "/"


class RefusedURL(ValueError):
    """A URL the report renderer may not fetch."""


class StaticFilesOnlyFetcher(URLFetcher):
    def __init__(self, root: Path | None = None, extra_files=()):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.root = (root or static_root()).resolve()
        # Exact files a report may embed besides static/ (the event photos staff picked for a
        # progress report): named one by one by the report's builder, never a folder.
        self.extra_files = {Path(p).resolve() for p in extra_files}
        self.served: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused URL scheme or host: {url[:200]}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if path in self.extra_files and path.is_file():
            return path
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused path outside static/: {url[:200]}")
        return path

    def fetch(self, url, headers=None):
        try:
            path = self.resolve(url)
        except RefusedURL:
            self.refused.append(url)
            logger.warning("Report renderer refused to fetch %s", url[:200])
            raise
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})
