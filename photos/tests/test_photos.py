"""Photo evidence: upload checked by content, metadata (GPS) stripped, scope, picking, the PDF."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from menet_portal.tests import factories
from photos import services
from photos.models import EventPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.REPORTS_ARCHIVE_ROOT = tmp_path / "report-archive"


def jpeg_with_gps(size=(120, 80), orientation=None):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (47.0, 29.0, 53.0), 3: "E", 4: (19.0, 2.0, 25.0)}  # GPS IFD
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return buffer.getvalue()


def _upload(event, content, name="foto.jpg", user=None):
    user = user or factories.CoordinatorFactory(library=event.library)
    return services.upload_photo(event=event, uploaded=SimpleUploadedFile(name, content), caption="Csoportkép", user=user)


def test_the_stored_photo_has_no_exif_gps_or_comment_and_is_upright():
    raw = jpeg_with_gps(size=(120, 80), orientation=6)  # 6: rotate 90° to show upright
    assert b"CameraMaker" in raw and b"secret comment" in raw
    day = factories.InfoDayFactory()
    photo = _upload(day, raw)
    stored = services.read_photo(photo)
    assert b"CameraMaker" not in stored and b"secret comment" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
        assert image.size == (80, 120) == (photo.width, photo.height)
    assert len(photo.sha256) == 64 and photo.size == len(stored)


def test_the_type_is_checked_by_content_and_the_size_is_limited(settings):
    day = factories.InfoDayFactory()
    with pytest.raises(ValidationError):
        _upload(day, b"%PDF-1.4 not a photo", name="kep.jpg")
    with pytest.raises(ValidationError):
        _upload(day, b"GIF89a" + b"\0" * 40, name="kep.png")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(ValidationError):
        _upload(day, gif.getvalue(), name="kep.jpg")
    settings.PHOTOS_MAX_BYTES = 1000
    with pytest.raises(ValidationError):
        _upload(day, jpeg_with_gps(size=(400, 400)))
    settings.PHOTOS_MAX_BYTES = 10 * 1024 * 1024
    settings.PHOTOS_MAX_PIXELS = 100
    with pytest.raises(ValidationError):
        _upload(day, jpeg_with_gps())
    assert EventPhoto.objects.count() == 0
    png = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 0, 255, 128)).save(png, format="PNG")
    settings.PHOTOS_MAX_PIXELS = 40_000_000
    assert _upload(day, png.getvalue(), name="x.bin").width == 30  # a PNG named anything: fine, re-encoded as JPEG


def test_the_coordinator_uploads_on_the_event_page_and_another_library_gets_404(client):
    day = factories.InfoDayFactory()
    coordinator = factories.CoordinatorFactory(library=day.library)
    url = reverse("photos:event", kwargs={"kind": "informacios-nap", "pk": day.pk})
    client.force_login(coordinator)
    response = client.post(url, {"photo": SimpleUploadedFile("a.jpg", jpeg_with_gps()), "caption": "Megnyitó"})
    assert response.status_code == 302
    photo = EventPhoto.objects.get()
    assert client.get(url).status_code == 200
    image = client.get(reverse("photos:image", args=[photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    bad = client.post(url, {"photo": SimpleUploadedFile("a.jpg", b"not an image")}, follow=True)
    assert "Ez nem JPEG vagy PNG" in bad.content.decode() and EventPhoto.objects.count() == 1
    for other in (factories.CoordinatorFactory(), factories.FunderFactory(), factories.TrainerFactory()):
        client.force_login(other)
        assert client.get(reverse("photos:image", args=[photo.pk])).status_code in (403, 404)
        assert client.get(url).status_code in (403, 404)
        assert client.post(reverse("photos:delete", args=[photo.pk])).status_code in (403, 404)
    assert EventPhoto.objects.count() == 1



def test_a_photo_whose_file_is_missing_answers_404_not_500(client, staff):
    """A row without its file (e.g. a database restored without the archive's files)."""
    day = factories.InfoDayFactory()
    photo = EventPhoto.objects.create(info_day=day, file="photos/missing.jpg", width=1, height=1, size=1,
                                      sha256="0" * 64, uploaded_by=staff)
    client.force_login(staff)
    assert client.get(reverse("photos:image", args=[photo.pk])).status_code == 404

def test_only_staff_pick_and_a_picked_photo_is_not_deleted(client, staff):
    day = factories.InfoDayFactory()
    coordinator = factories.CoordinatorFactory(library=day.library)
    photo = _upload(day, jpeg_with_gps(), user=coordinator)
    client.force_login(coordinator)
    assert client.post(reverse("photos:pick", args=[photo.pk]), {"picked": "1"}).status_code == 403
    client.force_login(staff)
    client.post(reverse("photos:pick", args=[photo.pk]), {"picked": "1"})
    photo.refresh_from_db()
    assert photo.picked_for_report and photo.picked_by == staff and photo.picked_at
    client.force_login(coordinator)
    client.post(reverse("photos:delete", args=[photo.pk]))
    assert EventPhoto.objects.filter(pk=photo.pk).exists()
    client.force_login(staff)
    client.post(reverse("photos:pick", args=[photo.pk]), {"picked": "0"})
    client.post(reverse("photos:delete", args=[photo.pk]))
    assert not EventPhoto.objects.filter(pk=photo.pk).exists()


def test_the_progress_report_prints_the_picked_photos_with_the_support_block(staff, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    from reports import archive
    from reports.models import ReportKind

    day = factories.InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=2))
    picked = _upload(day, jpeg_with_gps(size=(640, 480)))
    _upload(day, jpeg_with_gps(size=(300, 200)))  # not picked: not printed
    services.set_picked(photo=picked, picked=True, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": day.programme.pk}, user=staff)
    report.refresh_from_db()
    content = archive.read_verified(report)
    reader = PdfReader(io.BytesIO(content))
    sizes = []
    for page in reader.pages:
        for image in page.images:
            sizes.append(image.image.size)
    assert (640, 480) in sizes and (300, 200) not in sizes
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Fotódokumentáció" in text and "Csoportkép" in text
    import os

    folder = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts", "photos")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "progress-photos.pdf"), "wb") as fh:
        fh.write(content)


def test_the_fetcher_serves_a_named_photo_but_nothing_else_beside_it(tmp_path):
    from reports.documents.fetcher import RefusedURL, StaticFilesOnlyFetcher

    allowed = tmp_path / "a.jpg"
    allowed.write_bytes(b"x")
    (tmp_path / "b.jpg").write_bytes(b"y")
    fetcher = StaticFilesOnlyFetcher(extra_files=[allowed])
    assert fetcher.resolve(allowed.as_uri()) == allowed.resolve()
    with pytest.raises(RefusedURL):
        fetcher.resolve((tmp_path / "b.jpg").as_uri())
