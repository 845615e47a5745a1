import textwrap


def test_a_skipped_test_fails_the_run(pytester):
    pytester.makeconftest((__import__("pathlib").Path(__file__).resolve().parents[2] / "conftest.py").read_text())
    pytester.makepyfile(textwrap.dedent("""
        import pytest

        def test_needs_a_service():
            pytest.skip("service missing")
    """))
    result = pytester.runpytest("-p", "no:django", "-p", "no:xdist")
    result.assert_outcomes(failed=1)
