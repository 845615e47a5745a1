"""The "Változások" list of a set-up page: who changed what and when, from simple_history."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list = field(default_factory=list)  # (label, old, new) texts


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _text(model, name, value):
    if value is None or value == "":
        return "–"
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if isinstance(model_field, models.ManyToManyField):
        target = model_field.related_model
        ids = [row.get(model_field.m2m_reverse_field_name()) or next(iter(row.values())) for row in value]
        names = {o.pk: str(o) for o in target._default_manager.filter(pk__in=ids)}
        return ", ".join(sorted(names.get(i, f"#{i}") for i in ids)) or "–"
    if isinstance(model_field, models.ForeignKey):
        obj = model_field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("igen") if value else _("nem")
    if hasattr(value, "strftime"):
        from django.utils import timezone
        from django.utils.formats import date_format

        if hasattr(value, "tzinfo") and hasattr(value, "hour") and hasattr(value, "date"):
            return date_format(timezone.localtime(value), "Y. m. d. H:i")
        if hasattr(value, "hour"):
            return value.strftime("%H:%M")
        return date_format(value, "Y. m. d.")
    return str(value)


ACTIONS = {"+": gettext_lazy("létrehozva"), "~": gettext_lazy("módosítva"), "-": gettext_lazy("törölve")}


def change_log(instance, *, limit=50, label=None) -> list[HistoryEntry]:
    """Newest first; each change lists the fields that differ from the record before it."""
    model = type(instance)
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else record.prev_record
        changes = []
        if previous is not None and record.history_type != "+":
            delta = record.diff_against(previous)
            for change in delta.changes:
                changes.append((_label(model, change.field), _text(model, change.field, change.old),
                                _text(model, change.field, change.new)))
            if not changes:
                continue  # saved without a visible change (e.g. a log-in)
        who = str(record.history_user) if record.history_user else _("rendszer")
        action = str(ACTIONS.get(record.history_type, record.history_type))
        if label:
            action = f"{label(record)}: {action}"
        entries.append(HistoryEntry(when=record.history_date, who=who, action=action, changes=changes))
    return entries


def merged_log(*logs) -> list[HistoryEntry]:
    return sorted((e for log in logs for e in log), key=lambda e: e.when, reverse=True)
