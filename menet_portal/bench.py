"""Bench-only pieces, switched on by the ``BENCH_VIEWS`` setting (never in production).

- ``QueryCountMiddleware`` counts every SQL statement of a request with a connection
  ``execute_wrapper`` (exact, unlike Django's query log that stops at 9,000 and only runs
  with DEBUG on) and returns the count in the ``X-Bench-Queries`` header. It comes first in
  ``MIDDLEWARE`` so the session and user look-ups count too.
- ``floor`` is the floor the page benchmarks compare against: through the same middleware
  as every page, one SELECT by primary key and one INSERT (an already-expired session row,
  which ``clearsessions`` removes), then a tiny response.
"""

import datetime

from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.csrf import csrf_exempt

from .models import User


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            if getattr(response, "streaming", False):
                # Streaming bodies run their queries while being consumed: consume them here.
                response.streaming_content = [b"".join(response.streaming_content)]
        response["X-Bench-Queries"] = str(count[0])
        return response


@csrf_exempt
def floor(request):
    user = User.objects.filter(pk=request.GET.get("pk") or 1).first()
    Session.objects.create(
        session_key=get_random_string(40), session_data="",
        expire_date=timezone.now() - datetime.timedelta(seconds=1),
    )
    return HttpResponse(f"ok {user.pk if user else 0}", content_type="text/plain")
