"""log_access writes the entry and the people it names in one transaction (one commit)."""

import pytest
from django.db import IntegrityError, connection, transaction

from menet_portal.tests.factories import CoordinatorFactory, ParticipantFactory
from privacy.models import AccessAction, AccessLogEntry
from privacy.services import log_access


@pytest.mark.django_db(transaction=True)
def test_an_entry_is_never_committed_without_its_people():
    user = CoordinatorFactory()
    person = ParticipantFactory()
    with pytest.raises(IntegrityError):
        # a person id that does not exist: the (deferred) foreign key fails at the commit
        log_access(user=user, action=AccessAction.VIEW, participants=[person.pk, 10**9], description="próba")
    assert not AccessLogEntry.objects.exists()
    entry = log_access(user=user, action=AccessAction.VIEW, participants=[person.pk], description="próba")
    assert list(entry.participants.all()) == [person] and entry.person_count == 1


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_it_adds_no_savepoint():
    user = CoordinatorFactory()
    person = ParticipantFactory()
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(spy):
        log_access(user=user, action=AccessAction.VIEW, participants=[person.pk])
    assert len(seen) == 2 and not [sql for sql in seen if "SAVEPOINT" in sql]
