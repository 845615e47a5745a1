import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "menet.mke.hu",
    "DJANGO_SETTINGS_MODULE": "menet_portal.settings",
}


def _manage(*args, env):
    # A clean environment: the test settings put test-only variables into os.environ.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_reports_no_warning_in_production_configuration():
    result = _manage("check", "--deploy", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


def test_secret_key_is_required_without_debug():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_code_only_commands_run_on_a_fresh_clone_without_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "menet_portal.settings"}  # no DEBUG, no SECRET_KEY, SQLite default
    result = _manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_server_side_cursors_can_be_switched_off_for_pgbouncer_transaction_pooling():
    code = "from django.conf import settings; print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://menet@127.0.0.1:6432/menet"}
    assert _manage("shell", "-v0", "-c", code, env=env).stdout.split() == ["False"]
    result = _manage("shell", "-v0", "-c", code, env={**env, "DB_DISABLE_SERVER_SIDE_CURSORS": "1"})
    assert result.stdout.split() == ["True"], result.stderr
