from types import SimpleNamespace

import conftest


def _run_hook(report):
    hook = conftest.pytest_runtest_makereport(item=None, call=None)
    next(hook)
    try:
        hook.send(SimpleNamespace(get_result=lambda: report))
    except StopIteration:
        pass
    return report


def test_a_skipped_test_is_reported_as_failed():
    report = _run_hook(SimpleNamespace(skipped=True, outcome="skipped", longrepr=("x", 1, "service missing")))
    assert report.outcome == "failed" and "service missing" in report.longrepr


def test_an_expected_failure_stays_as_it_is():
    report = _run_hook(SimpleNamespace(skipped=True, outcome="skipped", wasxfail="known", longrepr=None))
    assert report.outcome == "skipped"
