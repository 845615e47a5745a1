"""Accounts of the people who work in the portal: coordinators and trainers assigned by MKE staff.

- a coordinator sees one library's events (``scope.py``): the library is required;
- a trainer sees the courses they are assigned to: the library is required too (their home
  library, a database constraint), the courses are set here and kept in the course's history;
- every change of role, library or assignment is kept by simple_history with who made it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Role, User

ACCOUNT_FIELDS = ("username", "last_name", "first_name", "email", "phone", "role", "library", "is_active")
ASSIGNABLE_ROLES = (Role.COORDINATOR, Role.TRAINER)


def save_account(*, data: dict, user: User | None = None, courses=None, password: str = "", changed_by=None) -> User:
    """Create or change a coordinator's or trainer's account and, for trainers, their courses.

    Raises ``ValidationError`` (field errors); nothing is saved then.
    """
    unknown = set(data) - set(ACCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"not account fields: {sorted(unknown)}")
    with transaction.atomic():
        creating = user is None or user.pk is None
        account = User() if creating else User.objects.select_for_update().get(pk=user.pk)
        for field, value in data.items():
            setattr(account, field, value)
        errors = {}
        if account.role not in ASSIGNABLE_ROLES:
            errors["role"] = [_("Itt koordinátort vagy oktatót lehet beállítani.")]
        if account.role in ASSIGNABLE_ROLES and account.library_id is None:
            errors["library"] = [_("Koordinátornak és oktatónak meg kell adni a könyvtárát.")]
        if courses and account.role != Role.TRAINER:
            errors["courses"] = [_("Képzéshez csak oktatót lehet rendelni.")]
        if creating and not password:
            errors["password"] = [_("Adjon meg kezdő jelszót.")]
        if password:
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(password, account)
            except ValidationError as error:
                errors["password"] = error.messages
        try:
            account.full_clean(exclude=["password"] + list(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        if password:
            account.set_password(password)
        account._history_user = changed_by
        account.save()
        if courses is not None:
            current = set(account.courses.all())
            wanted = set(courses) if account.role == Role.TRAINER else set()
            for course in wanted - current:
                course._history_user = changed_by
                course.trainers.add(account)
            for course in current - wanted:
                course._history_user = changed_by
                course.trainers.remove(account)
        return account
