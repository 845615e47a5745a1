"""Two app servers over one database: nothing a request leaves behind is kept in a process.

Two real gunicorn processes (production settings, DEBUG off, one sync worker each) listen on two
ports of 127.0.0.1 over this test's PostgreSQL database, with one shared MEDIA_ROOT and
REPORTS_ARCHIVE_ROOT, and a real Celery worker process consumes a queue of this test only on
Redis. A browser-like client (its own cookie jar, the proxy's X-Forwarded-Proto: https) then

- logs in on A, and the session cookie works on B;
- uploads an import file on A, opens its preview on B, confirms it on B; the worker imports it
  and A shows the result;
- requests an attendance sheet on A, the worker renders it into the shared archive, and B
  serves the download, byte for byte what the archive row's checksum says;
- uploads a photo of the info day on B, and A serves the image from the shared storage.

Everything is committed (a transactional test), so the server processes see it. The fixtures stop
every process they started, on failure too (docs/deployment.md, "App servers").
"""

import hashlib
import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from PIL import Image
from pypdf import PdfReader

from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory
from participants.models import ImportStatus, ParticipantImport, Registration
from participants.tests.test_imports import HEADER, good_rows
from photos.models import EventPhoto
from reports.models import GeneratedReport, ReportStatus

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "ket-szerver-jelszo-42"
SECRET_KEY = "two-app-servers-test-secret-key-0123456789abcdef"
STARTUP_SECONDS = 40
WAIT_SECONDS = 40


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _answers(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=STARTUP_SECONDS)
    try:
        conn.request("GET", "/belepes/", headers={"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class Processes:
    """Subprocesses in their own process groups, stopped (TERM, then KILL) however the test ends."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.started = []

    def start(self, name, cmd, env):
        log = open(self.log_dir / f"{name}.log", "wb")
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.started.append((name, process, log))
        return process

    def log_of(self, name):
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    @staticmethod
    def _signal(process, sig):
        try:
            os.killpg(process.pid, sig)  # a group this fixture started, nothing else
        except ProcessLookupError:
            pass  # it has just exited

    def stop_all(self):
        for _name, process, _log in self.started:
            if process.poll() is None:
                self._signal(process, signal.SIGTERM)
        for _name, process, log in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._signal(process, signal.SIGKILL)
                process.wait()
            log.close()


@pytest.fixture
def deployment(transactional_db, tmp_path):
    """Two gunicorn app servers and one Celery worker over the test database; yields their ports."""
    from menet_portal.celery import app

    shared = tmp_path / "shared"
    (shared / "media").mkdir(parents=True)
    (shared / "report-archive").mkdir()
    queue = f"test-two-apps-{uuid.uuid4().hex}"
    broker = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "menet_portal.settings", "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,  # the same on every app server: sessions and CSRF tokens verify everywhere
        "DATABASE_URL": _test_database_url(), "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "STATIC_MANIFEST": "0", "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(shared / "media"), "REPORTS_ARCHIVE_ROOT": str(shared / "report-archive"),
        "REDIS_URL": broker, "CELERY_BROKER_URL": broker, "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue, "EMAIL_URL": "dummymail://",
        "CELERY_RESULT_BACKEND": "cache+memory://",  # nobody reads the task results: none left in Redis
        # Every report goes through the worker, so the file is written by another process than
        # the one that serves it.
        "REPORTS_TASK_THRESHOLD": "0",
    }
    bin_dir = Path(sys.executable).parent
    processes = Processes(tmp_path)
    ports = {"A": _free_port(), "B": _free_port()}
    try:
        for name, port in ports.items():
            processes.start(name, [str(bin_dir / "gunicorn"), "menet_portal.wsgi", "--bind", f"127.0.0.1:{port}",
                                   "--workers", "1", "--timeout", "60", "--log-level", "warning"], env)
        processes.start("worker", [sys.executable, "-m", "celery", "-A", "menet_portal", "worker", "-Q", queue,
                                   "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                                   "-n", f"{queue}@%h", "-l", "warning"], env)
        deadline = time.monotonic() + STARTUP_SECONDS
        for name, port in ports.items():
            # gunicorn listens before its worker has loaded the portal: wait for a page.
            while not _answers(port):
                process = next(p for n, p, _l in processes.started if n == name)
                assert process.poll() is None, f"app server {name} exited:\n{processes.log_of(name)}"
                assert time.monotonic() < deadline, f"app server {name} did not start:\n{processes.log_of(name)}"
                time.sleep(0.2)
        processes.ports = ports
        yield processes
    finally:
        processes.stop_all()
        with app.connection_for_write() as conn:  # leave nothing behind in Redis
            conn.default_channel.queue_delete(queue)
        redis.Redis.from_url(broker).delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


class Browser:
    """One user's browser: one cookie jar for every server, requests as they come through the TLS proxy."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, fields=None, files=None):
        headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            # Django checks the origin of a secure POST against the host it was sent to.
            headers["Origin"] = f"https://127.0.0.1:{port}"
            headers["Referer"] = f"https://127.0.0.1:{port}{path}"
            fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(fields or {})}
            if files:
                boundary = uuid.uuid4().hex
                body = _multipart(boundary, fields, files)
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for morsel in SimpleCookie(header).values():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(morsel.key, None)
                else:
                    self.cookies[morsel.key] = morsel.value
        response.content = content
        response.text = content.decode("utf-8", errors="replace")
        return response

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, fields=None, files=None):
        return self.request(port, "POST", path, fields, files)


def _multipart(boundary, fields, files):
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: {content_type}\r\n\r\n".encode())
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def _path(location):
    return urlsplit(location).path


def _until(check, what, log):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} did not happen within {WAIT_SECONDS} s:\n{log()}"
        time.sleep(0.3)


@pytest.mark.app_servers
def test_a_session_an_import_preview_and_a_report_started_on_one_app_server_are_served_by_the_other(deployment):
    coordinator = CoordinatorFactory(username="ket.szerver")
    # The servers run the production password hashers (the test settings hash with MD5).
    coordinator.password = PBKDF2PasswordHasher().encode(PASSWORD, "ketszerversalt")
    coordinator.save(update_fields=["password"])
    day = InfoDayFactory(library=coordinator.library, capacity=30, minimum=1)
    a, b = deployment.ports["A"], deployment.ports["B"]
    browser = Browser()
    worker_log = lambda: deployment.log_of("worker") + deployment.log_of("A") + deployment.log_of("B")  # noqa: E731

    # (a) Log in on A; the session cookie made there is a login on B.
    anonymous = browser.get(b, "/resztvevok/koordinator/")
    assert anonymous.status == 302 and _path(anonymous.getheader("Location")) == "/belepes/"  # no session yet
    assert browser.get(a, "/belepes/").status == 200 and "csrftoken" in browser.cookies
    login = browser.post(a, "/belepes/", {"username": "ket.szerver", "password": PASSWORD})
    assert login.status == 302, login.text[:2000]
    assert "sessionid" in browser.cookies
    home_on_b = browser.get(b, "/resztvevok/koordinator/")
    assert home_on_b.status == 200
    assert str(coordinator) in home_on_b.text and coordinator.library.name in home_on_b.text

    # (b) Upload an import file on A; B shows its preview (the rows wait in the database, not in
    # A's memory), B confirms it, the worker imports, A shows the result.
    rows = good_rows()
    text = "\r\n".join(";".join(r) for r in [HEADER, *rows]) + "\r\n"
    upload = browser.post(a, "/resztvevok/betoltes/", {"event": f"info_day:{day.pk}"},
                          files={"file": ("lista.csv", text.encode("cp1250"), "text/csv")})
    assert upload.status == 302, upload.text[:2000]
    preview_path = _path(upload.getheader("Location"))
    batch = ParticipantImport.objects.get()
    assert preview_path == f"/resztvevok/betoltes/{batch.token}/"
    preview_on_b = browser.get(b, preview_path)
    assert preview_on_b.status == 200
    assert "Űrös Tünde" in preview_on_b.text and "Szőke Ödön" in preview_on_b.text
    assert 'name="confirm" disabled' not in preview_on_b.text
    assert Registration.objects.count() == 0  # a preview writes nobody
    confirm = browser.post(b, preview_path, {"confirm": ""})
    assert confirm.status == 302 and _path(confirm.getheader("Location")) == preview_path

    def imported():
        page = browser.get(a, preview_path)
        return page if 'id="import-status"' in page.text and "alert-success" in page.text else None

    done_on_a = _until(imported, "the import", worker_log)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.row_count == len(rows)
    assert Registration.objects.filter(info_day=day).count() == len(rows)
    assert f"Betöltve: {len(rows)} sor" in done_on_a.text

    # (c) Request the info day's attendance sheet on A; the worker renders it into the shared
    # archive; B reports its progress and serves the download.
    generate = browser.post(a, "/jelentesek/dokumentumok/keszites/", {"kind": "attendance", "info_day": day.pk})
    assert generate.status == 302, generate.text[:2000]
    detail_path = _path(generate.getheader("Location"))
    report = GeneratedReport.objects.get()
    assert detail_path == f"/jelentesek/dokumentumok/archivum/{report.pk}/"

    def rendered():
        status = browser.get(b, f"{detail_path}allapot/")
        assert status.status == 200, status.text[:2000]
        data = json.loads(status.text)
        assert data["status"] != ReportStatus.FAILED, data
        return data if data["download_url"] else None

    status = _until(rendered, "the report", worker_log)
    download = browser.get(b, status["download_url"])
    assert download.status == 200 and download.getheader("Content-Type") == "application/pdf"
    report.refresh_from_db()
    assert report.queued_at is not None  # handed to the worker, not rendered inside A's request
    assert report.created_by_id == coordinator.pk and report.status == ReportStatus.DONE
    assert hashlib.sha256(download.content).hexdigest() == report.sha256 == download.getheader("X-Content-SHA256")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(download.content)).pages)
    assert "Jelenléti ív" in text or "JELENLÉTI ÍV" in text.upper()
    for family, given, *_rest in rows:
        assert re.search(rf"{family}\s*{given}", text), (family, given)

    # (d) A photo of the info day uploaded on B is stored in the shared archive storage and served by A.
    image = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(image, format="JPEG")
    photos_path = f"/fenykepek/informacios-nap/{day.pk}/"
    uploaded = browser.post(b, photos_path, {"caption": "Csoportkép"},
                            files={"photo": ("csoport.jpg", image.getvalue(), "image/jpeg")})
    assert uploaded.status == 302, uploaded.text[:2000]
    photo = EventPhoto.objects.get()
    served = browser.get(a, f"/fenykepek/kep/{photo.pk}/")
    assert served.status == 200 and served.getheader("Content-Type") == "image/jpeg"
    assert hashlib.sha256(served.content).hexdigest() == photo.sha256
