import io

import pytest
from pypdf import PdfReader


@pytest.fixture(autouse=True)
def report_archive_root(settings, tmp_path):
    """Every test archives into its own directory."""
    settings.REPORTS_ARCHIVE_ROOT = tmp_path / "report-archive"
    return settings.REPORTS_ARCHIVE_ROOT


def pdf_pages(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    # Whitespace normalised: a cell's text may wrap onto two lines.
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def squash(text: str) -> str:
    return "".join(text.split())


def pdf_fonts(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return fonts


@pytest.fixture
def save_pdf(artifacts_dir):
    """Keep a rendered PDF in test-artifacts/reports/ (pages are looked at as PNG via pdftoppm)."""
    import os

    def _save(name: str, content: bytes) -> str:
        folder = os.path.join(artifacts_dir, "reports")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{name}.pdf")
        with open(path, "wb") as fh:
            fh.write(content)
        return path

    return _save
