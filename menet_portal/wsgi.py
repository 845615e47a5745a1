"""
WSGI config for menet_portal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'menet_portal.settings')

application = get_wsgi_application()

# The web processes' garbage-collector thresholds (GC_THRESHOLDS, docs/performance.md): a
# dashboard request allocates tens of thousands of objects, and Python's default (700, 10, 10)
# ran ~8 collections per request, 14 % of its CPU time.
from .gc_tuning import apply_gc_thresholds  # noqa: E402

apply_gc_thresholds()
