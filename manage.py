#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys

# Commands that only read or write code and translation files: they never sign or encrypt
# anything, so they run on a fresh clone without a SECRET_KEY. Everything that serves,
# migrates or sends still needs one (settings.py refuses to start without it unless DEBUG).
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "showmigrations", "sqlmigrate"}


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "menet_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("SECRET_KEY", "not-a-secret-code-only-command")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
