"""Fixtures shared by every app's tests: factories, logged-in clients, and a headless Chromium."""

import os
import shutil

import pytest

from menet_portal.tests import factories

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = os.path.join(os.path.dirname(__file__), "test-artifacts")


@pytest.fixture
def staff(db):
    return factories.StaffFactory()


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory()


@pytest.fixture
def trainer(db):
    return factories.TrainerFactory()


@pytest.fixture
def funder(db):
    return factories.FunderFactory()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as that user and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def artifacts_dir():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright. A missing browser fails the test: it never skips."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does it as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="hu-HU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_login(live_server, page):
    """``browser_login(user)`` logs in through the real login form."""

    def _login(user, password="jelszo-123"):
        page.goto(f"{live_server.url}/belepes/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test counts as a failure: a missing browser or service must never pass silently."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, which this suite treats as a failure: {report.longrepr}"


def _drop_broker_connections(app):
    # Only forget them: kombu keeps its pools in a registry per broker URL, and a closed pool would
    # be handed out again to the next test that publishes to the real Redis.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_unreachable():
    """A real Celery publish against a closed port (not eager, not mocked): what a request meets
    when Redis is down. ``broker_unreachable.restore()`` brings eager mode back mid-test."""
    from menet_portal.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}

    class Broker:
        @staticmethod
        def restore():
            app.conf.update(saved)
            _drop_broker_connections(app)

    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    _drop_broker_connections(app)
    yield Broker
    Broker.restore()
