"""Bulk import of participants from the CSV or XLSX lists coordinators keep in Excel.

Two steps, as in pretix's and Indico's importers: ``preview_rows`` reads and checks the
whole file and says, row by row, what would happen (new person, known person, place or
waiting list, or an error with row number, column and message) without writing anything;
``confirm_import`` re-checks the same rows under the event's lock and writes them all in one
transaction, or nothing at all. Any row with an error blocks the confirmation.

Accepted files: CSV in UTF-8 (with or without BOM) or Windows-1250, comma or semicolon
delimited (what Hungarian Excel writes), and XLSX; at most 5 MB and 5,000 rows.
"""

import csv
import copy
import datetime
import io
import re
import secrets
import time
import zipfile
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import County

from .forms import ParticipantForm
from .models import (
    ImportStatus,
    Organisation,
    OrganisationKind,
    Participant,
    ParticipantImport,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SizeBand,
)
from .services import _event_filter, _late_join, _lock_event, availability, record_people, register_many

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# (form field, header in the file). The template has these headers in this order.
COLUMNS = [
    ("family_name", gettext_lazy("Családi név")),
    ("given_name", gettext_lazy("Utónév")),
    ("email", gettext_lazy("E-mail")),
    ("phone", gettext_lazy("Telefon")),
    ("birth_year", gettext_lazy("Születési év")),
    ("settlement", gettext_lazy("Település")),
    ("county", gettext_lazy("Vármegye")),
    ("target_group", gettext_lazy("Célcsoport")),
    ("organisation_name", gettext_lazy("Szervezet neve")),
    ("organisation_kind", gettext_lazy("Szervezet típusa")),
    ("tax_number", gettext_lazy("Adószám")),
    ("size_band", gettext_lazy("Méret")),
    ("consent", gettext_lazy("Hozzájárult")),
    ("photo_consent", gettext_lazy("Fényképhez hozzájárult")),
]
REQUIRED_COLUMNS = ["family_name", "given_name", "birth_year", "settlement", "county", "target_group", "consent"]
HEADER_BY_FIELD = dict(COLUMNS)


def _header_lookup() -> dict:
    """Column titles in every interface language, and the field names: a Hungarian Excel file
    imports the same whichever language the coordinator reads the portal in."""
    lookup = {name: name for name, _label in COLUMNS}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup |= {_key(str(label)): name for name, label in COLUMNS}
    return lookup

TARGET_GROUP_ALIASES = {
    "citizen": ["állampolgár", "allampolgar", "lakos", "magánszemély", "citizen"],
    "nonprofit": ["nonprofit", "nonprofit szervezet", "civil", "civil szervezet", "egyesület", "alapítvány"],
    "business": ["gazdasági", "gazdasági szervezet", "vállalkozás", "kkv", "cég", "business"],
}
KIND_ALIASES = {
    OrganisationKind.COMPANY: ["kft", "kft.", "bt", "bt.", "zrt", "zrt.", "nyrt", "társaság"],
    OrganisationKind.SOLE_TRADER: ["ev", "e.v.", "egyéni vállalkozás"],
    OrganisationKind.NONPROFIT_OTHER: ["nonprofit", "nonprofit kft."],
}
SIZE_ALIASES = {
    SizeBand.MICRO: ["mikro", "mikrovállalkozás"], SizeBand.SMALL: ["kis", "kisvállalkozás"],
    SizeBand.MEDIUM: ["közép", "középvállalkozás"], SizeBand.LARGE: ["nagy", "nagyvállalat"],
}
YES = {"igen", "i", "x", "yes", "y", "1", "true", "igaz"}


WHOLE_ROW = gettext_lazy("(a sor egésze)")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def _key(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def _lookup(choices, aliases):
    table = {}
    for value, label in choices:
        table[_key(value)] = value
        table[_key(label)] = value
    for value, names in aliases.items():
        for name in names:
            table.setdefault(_key(name), value)
    return table


# --- reading the file -------------------------------------------------------------------------

def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1250")  # Hungarian Excel's "CSV (pontosvesszővel tagolt)"


def _csv_rows(raw: bytes):
    try:
        text = _decode(raw)
    except UnicodeDecodeError:
        raise ImportFileError(_("A fájl kódolása nem UTF-8 és nem Windows-1250: mentse újra CSV-ként.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _unneutralise(text: str) -> str:
    """Our exports prefix ``'`` to a text that starts like a formula (menet_portal.exports): a file
    exported from the portal (or its template) reads back as it was."""
    from menet_portal.exports import FORMULA_STARTS

    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Limits that keep a hostile or broken file from tying up a worker (docs/security.md, "Uploads").
MAX_LINES = MAX_ROWS + 1000  # every line counts, blank ones too
MAX_COLUMNS = 50
MAX_XLSX_MEMBERS = 200
MAX_XLSX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_XLSX_RATIO = 100  # uncompressed / compressed, per member larger than 1 MB
MAX_SHARED_STRINGS = 100_000
MAX_READ_SECONDS = 20
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Files people pick by mistake, told apart by their first bytes.
OTHER_FORMATS = [
    (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", "XLS/DOC (régi Office)"), (b"{\\rtf", "RTF"), (b"PK\x03\x04", "ZIP"),
]
NOT_CSV_OR_XLSX = gettext_lazy(
    "A fájl se nem CSV, se nem XLSX (hanem %(kind)s): töltse fel az Excel-munkafüzetet .xlsx formátumban, "
    "vagy mentse CSV-ként."
)


def _not_a_list(kind):
    return ImportFileError(NOT_CSV_OR_XLSX % {"kind": kind})


def _check_xlsx_container(raw: bytes, deadline: float) -> None:
    """Look inside the zip before openpyxl does: too many members, too much uncompressed data, a
    suspicious compression ratio, a DTD (billion laughs, XXE) or too many shared strings are refused."""
    from defusedxml import ElementTree as SafeET

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_("A fájl nem olvasható XLSX munkafüzet: mentse újra Excelből .xlsx formátumban.")) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_a_list(_("más ZIP-tömörített fájl"))
    too_big = _("A munkafüzet kicsomagolva túl nagy vagy gyanúsan tömörített: legfeljebb %(rows)s sort töltsön fel, "
                "üres sorok és oszlopok nélkül.") % {"rows": f"{MAX_ROWS:,}".replace(",", " ")}
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED:
        raise ImportFileError(too_big)
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
            raise ImportFileError(too_big)
    try:
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(256 * 1024):
                    if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                        raise ImportFileError(_("A munkafüzet nem megengedett XML-szerkezetet (DTD) tartalmaz: "
                                                "mentse újra Excelből .xlsx formátumban."))
                    tail = chunk[-16:]
                    if time.monotonic() > deadline:
                        raise ImportFileError(_("A fájl feldolgozása túl sokáig tartana: bontsa kisebb fájlokra."))
        if "xl/sharedStrings.xml" in names:
            count = 0
            with archive.open("xl/sharedStrings.xml") as stream:
                for _event, element in SafeET.iterparse(stream, events=("end",)):
                    if element.tag.endswith("}si") or element.tag == "si":
                        count += 1
                        element.clear()
                        if count > MAX_SHARED_STRINGS:
                            raise ImportFileError(too_big)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - zlib, XML and defusedxml errors alike: the file is broken or hostile
        raise ImportFileError(_("A munkafüzet XML-tartalma hibás vagy nem biztonságos: mentse újra Excelből "
                                ".xlsx formátumban.")) from None


def _xlsx_rows(raw: bytes, deadline: float):
    from openpyxl import load_workbook

    _check_xlsx_container(raw, deadline)
    broken = _("A munkafüzet XML-tartalma hibás: mentse újra Excelből .xlsx formátumban.")
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a malformed file
        raise ImportFileError(broken) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a forged <dimension ref="A1:XFD1048576"> must not pad every row
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except ImportFileError:
                raise
            except Exception:  # noqa: BLE001
                raise ImportFileError(broken) from None
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _check_cells(line_number, values):
    """Too many columns, or a NUL / control character in a cell: the whole file is refused, with the
    row and column, before anything is stored (PostgreSQL refuses NUL in text)."""
    from openpyxl.utils import get_column_letter

    if len(values) > MAX_COLUMNS and any(str(v).strip() for v in values[MAX_COLUMNS:]):
        raise ImportFileError(_("A(z) %(row)s. sorban több mint %(max)s kitöltött oszlop van: a mintában lévő "
                                "oszlopokat használja.") % {"row": line_number, "max": MAX_COLUMNS})
    for index, value in enumerate(values):
        if value and CONTROL_CHARACTERS.search(str(value)):
            raise ImportFileError(_(
                "A(z) %(row)s. sor %(column)s. oszlopában (%(letter)s) nem megengedett vezérlőkarakter van "
                "(például NUL): javítsa a cellát, és töltse fel újra a fájlt."
            ) % {"row": line_number, "column": index + 1, "letter": get_column_letter(index + 1)})


def read_file(upload) -> list[dict]:
    """Rows of the file as ``{"row": line number, field: text, …}``; blank lines are skipped.

    Raises ``ImportFileError`` for a file too large, unreadable, without the needed columns,
    or with more than 5,000 rows.
    """
    if upload.size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("A fájl túl nagy (%(size)s MB): legfeljebb 5 MB tölthető fel. Bontsa több fájlra.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"}
        )
    raw = upload.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError(_("A fájl túl nagy: legfeljebb 5 MB tölthető fel. Bontsa több fájlra."))
    deadline = time.monotonic() + MAX_READ_SECONDS
    is_xlsx = raw[:4] == b"PK\x03\x04"
    if not is_xlsx:
        for magic, kind in OTHER_FORMATS:
            if raw.startswith(magic):
                raise _not_a_list(kind)
    lines = _xlsx_rows(raw, deadline) if is_xlsx else _csv_rows(raw)
    try:
        header = next(lines)
    except StopIteration:
        raise ImportFileError(_("A fájl üres.")) from None
    except csv.Error as exc:
        raise ImportFileError(_("A CSV fájl nem olvasható: %(error)s") % {"error": exc}) from None
    header_lookup = _header_lookup()
    positions = {}
    for index, title in enumerate(header):
        name = header_lookup.get(_key(title).lstrip("\ufeff"))
        if name and name not in positions:
            positions[name] = index
    missing = [str(HEADER_BY_FIELD[name]) for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ImportFileError(
            _("Hiányzó oszlop(ok): %(columns)s. Az első sor a fejléc legyen; töltse le a mintát.")
            % {"columns": ", ".join(missing)}
        )
    _check_cells(1, header)
    rows = []
    try:
        for line_number, values in enumerate(lines, start=2):
            if line_number > MAX_LINES or time.monotonic() > deadline:
                raise ImportFileError(
                    _("A fájl több mint %(max)s sort tartalmaz (az üres sorokat is számolva): bontsa több fájlra, "
                      "és törölje az üres sorokat.") % {"max": f"{MAX_LINES:,}".replace(",", " ")}
                )
            _check_cells(line_number, values)
            if not any(str(v).strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    _("A fájl több mint %(max)s sort tartalmaz: bontsa több fájlra.") % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
                )
            row = {"row": line_number}
            for name, index in positions.items():
                text = str(values[index]).strip() if index < len(values) and values[index] is not None else ""
                row[name] = _unneutralise(text)
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(_("A CSV fájl nem olvasható: %(error)s") % {"error": exc}) from None
    if not rows:
        raise ImportFileError(_("A fájlban a fejlécen kívül nincs adatsor."))
    return rows


# --- checking the rows --------------------------------------------------------------------------

@dataclass
class RowOutcome:
    row: int
    name: str
    data: dict = field(default_factory=dict)  # cleaned, for the services
    errors: list = field(default_factory=list)  # (column header, message)
    known: Participant | None = None
    status: str = ""  # confirmed / waitlisted when the row is fine
    late_join_message: str = ""  # set when the person could not complete the course (not eligible)

    @property
    def ok(self):
        return not self.errors

    @property
    def outcome(self):
        if self.errors:
            return _("hiba")
        person = _("ismert személy: %(name)s") % {"name": self.known.full_name} if self.known else _("új személy")
        place = _("helyet kap") if self.status == RegistrationStatus.CONFIRMED else _("várólistára kerül")
        if self.late_join_message:
            place += ", " + _("tanúsítványra nem jogosult")
        return f"{person}, {place}"


class _RowForm(ParticipantForm):
    """ParticipantForm for one row of a file: counties looked up once per file, not once per row."""

    consent = forms.BooleanField(
        error_messages={"required": gettext_lazy("A hozzájárulás oszlopba „igen” kell: hozzájárulás nélkül nem rögzíthető.")}
    )

    def __init__(self, *args, counties=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"] = forms.CharField()
        self._counties = counties

    def for_row(self, data):
        """This form bound to another row's ``data``, sharing the (read-only) fields: Django
        deep-copies every field per form, which was most of a 5,000-row check."""
        form = copy.copy(self)
        form.data, form.files, form.is_bound, form._errors = data, {}, True, None
        form._bound_fields_cache = {}
        form.__dict__.pop("cleaned_data", None)
        return form

    def clean_county(self):
        county = self._counties.get(_key(self.cleaned_data["county"]))
        if county is None:
            raise forms.ValidationError(_("Ismeretlen vármegye; például: Pest, Komárom-Esztergom, Budapest."))
        return county


def _translate_choice(row, name, table, message, errors):
    value = row.get(name, "")
    if not value:
        return ""
    translated = table.get(_key(value))
    if translated is None:
        errors.append((str(HEADER_BY_FIELD[name]), message))
    return translated or ""


def _identity(family_name, given_name, birth_year, settlement):
    return (_key(family_name), _key(given_name), birth_year, _key(settlement))


def _row_identity(data):
    return _identity(data["family_name"], data["given_name"], data["birth_year"], data["settlement"])


def check_rows(rows: list[dict], event, *, viewer) -> list[RowOutcome]:
    """What each row would do; no row is written. A handful of queries for the whole file.

    Known persons are recognised only within ``viewer``'s scope (the uploader): a person known
    only to another library is a new person here, exactly as if nobody knew them.
    """
    from .models import TargetGroup

    counties = {_key(c.name): c for c in County.objects.all()}
    groups = _lookup(TargetGroup.choices, TARGET_GROUP_ALIASES)
    kinds = _lookup(OrganisationKind.choices, KIND_ALIASES)
    sizes = _lookup(SizeBand.choices, SIZE_ALIASES)
    outcomes = []
    template = _RowForm(data={}, counties=counties)
    for row in rows:
        errors = []
        data = {name: row.get(name, "") for name, _label in COLUMNS}
        data["target_group"] = _translate_choice(
            row, "target_group", groups, _("Ismeretlen célcsoport; lehet: állampolgár, nonprofit, gazdasági."), errors)
        data["organisation_kind"] = _translate_choice(
            row, "organisation_kind", kinds, _("Ismeretlen szervezettípus; például: egyesület, alapítvány, Kft."), errors)
        data["size_band"] = _translate_choice(
            row, "size_band", sizes, _("Ismeretlen méret; lehet: mikro, kis, közép, nagy."), errors)
        data["consent"] = "on" if _key(row.get("consent")) in YES else ""
        data["photo_consent"] = "on" if _key(row.get("photo_consent")) in YES else ""
        for name in ("target_group", "organisation_kind", "size_band"):
            if not data[name] and any(h == str(HEADER_BY_FIELD[name]) for h, _m in errors):
                data.pop(name)  # already reported; the form would only add "required"
        form = template.for_row(data)
        valid = form.is_valid()
        reported = {h for h, _m in errors}
        for name, messages in form.errors.items():
            header = str(HEADER_BY_FIELD.get(name, WHOLE_ROW))
            if header in reported:
                continue
            errors.extend((header, m) for m in messages)
        name = " ".join(filter(None, [row.get("family_name", ""), row.get("given_name", "")]))
        outcomes.append(RowOutcome(row=row["row"], name=name, data=form.cleaned_data if valid else {}, errors=errors))
    _find_known_and_repeated(outcomes, event, viewer)
    decision = _late_join(event)  # the late-joiner rule, the same as register_many applies
    free = availability(event).free
    for outcome in outcomes:
        if outcome.ok and decision is not None and not decision.allowed:
            outcome.errors.append((str(WHOLE_ROW), decision.message))
        if outcome.ok:
            outcome.status = RegistrationStatus.CONFIRMED if free > 0 else RegistrationStatus.WAITLISTED
            outcome.late_join_message = decision.message if decision is not None else ""
            free -= 1
    return outcomes


def _find_known_and_repeated(outcomes, event, viewer):
    """Known persons in one query (e-mail, or name + birth year + settlement) among those
    ``viewer`` may see (``scope.participants_for``), their registrations for this event in
    another; a person twice in the file is an error on the second row."""
    from menet_portal.scope import participants_for

    good = [o for o in outcomes if o.ok]
    if not good:
        return
    emails = {_key(o.data["email"]) for o in good if o.data["email"]}
    families = {_key(o.data["family_name"]) for o in good}
    years = {o.data["birth_year"] for o in good}
    visible = participants_for(viewer) if viewer is not None else Participant.objects.none()
    candidates = (
        visible.annotate(email_key=Lower("email"), family_key=Lower("family_name"))
        .filter(Q(email_key__in=emails) | Q(family_key__in=families, birth_year__in=years), anonymised_at__isnull=True)
        .order_by("id")
    )
    by_email, by_identity = {}, {}
    for person in candidates:
        if person.email:
            by_email.setdefault(_key(person.email), person)
        by_identity.setdefault(
            _identity(person.family_name, person.given_name, person.birth_year, person.settlement), person)
    organisations = {
        o.tax_number: o for o in Organisation.objects.filter(tax_number__in={o.data["tax_number"] for o in good})
    }
    registered = set(
        Registration.objects.filter(_event_filter(event), participant__in=[p.pk for p in candidates])
        .exclude(status=RegistrationStatus.CANCELLED).values_list("participant_id", flat=True)
    )
    seen = {}
    for outcome in good:
        keys = [("identity", _row_identity(outcome.data))]
        if outcome.data["email"]:
            keys.append(("email", _key(outcome.data["email"])))
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is not None:
            outcome.errors.append((WHOLE_ROW, _("Ugyanez a személy a fájl %(row)s. sorában is szerepel.") % {"row": earlier}))
            continue
        for k in keys:
            seen[k] = outcome.row
        organisation = organisations.get(outcome.data["tax_number"])
        if organisation is not None and organisation.target_group != outcome.data["target_group"]:
            outcome.errors.append((str(HEADER_BY_FIELD["tax_number"]), _(
                "Ezzel az adószámmal már szerepel egy %(kind)s: a célcsoport vagy az adószám hibás.")
                % {"kind": organisation.get_kind_display()}))  # not its name: it may be another library's
            continue
        known = by_email.get(_key(outcome.data["email"])) if outcome.data["email"] else None
        known = known or by_identity.get(_row_identity(outcome.data))
        if known is not None and known.pk in registered:
            outcome.errors.append((WHOLE_ROW, _("%(name)s már jelentkezett erre az eseményre.") % {"name": known.full_name}))
            continue
        outcome.known = known


class ImportBlocked(Exception):
    def __init__(self, outcomes):
        self.outcomes = outcomes
        super().__init__(_("A fájlban hibás sorok vannak: javítsa őket, és töltse fel újra a fájlt."))


def confirm_import(*, rows: list[dict], event, imported_by) -> list:
    """Write every row (new or known person, registered for ``event``) in one transaction.

    The rows are checked again under the event's lock; if any row has an error nothing is
    written and ``ImportBlocked`` carries the outcomes. Returns the registrations in file order.
    """
    with transaction.atomic():
        event = _lock_event(event)
        outcomes = check_rows(rows, event, viewer=imported_by)
        if not all(o.ok for o in outcomes):
            raise ImportBlocked(outcomes)
        people = record_people(
            rows=[o.data for o in outcomes], known=[o.known for o in outcomes], library=event.library,
            recorded_by=imported_by,
        )
        registrations = register_many(
            participants=people, event=event, source=RegistrationSource.IMPORT, registered_by=imported_by
        )
        return registrations


# --- the template -------------------------------------------------------------------------------

EXAMPLE_ROWS = [
    ["Kovács", "Anna", "kovacs.anna@example.hu", "06 30 123 4567", "1978", "Tata", "Komárom-Esztergom",
     "állampolgár", "", "", "", "", "igen", "igen"],
    ["Szőke", "Győző", "szoke.gyozo@example.hu", "+36 20 765 4321", "1969", "Tata", "Komárom-Esztergom",
     "gazdasági", "Példa Bt.", "Bt.", "10773381-2-44", "mikro", "igen", "nem"],
]


def template_headers():
    return [str(label) for _name, label in COLUMNS]



# --- between preview and import: the upload kept on the server ------------------------------------

STALE_AFTER = datetime.timedelta(days=1)


def purge_stale_imports(*, now=None, dry_run: bool = False) -> dict:
    """Personal data of uploads does not outlive their use (nightly, beat): unconfirmed or failed
    uploads older than ``STALE_AFTER`` are deleted; finished ones keep their counts but lose
    their rows and messages (which name people). Running ones are left to the worker."""
    now = now or timezone.now()
    old = ParticipantImport.objects.filter(created_at__lt=now - STALE_AFTER)
    stale = old.filter(status__in=[ImportStatus.PENDING, ImportStatus.FAILED])
    finished = old.filter(status=ImportStatus.DONE).exclude(rows=[], message="")
    counts = {"deleted": stale.count(), "emptied": finished.count()}
    if not dry_run:
        with transaction.atomic():
            stale.delete()
            finished.update(rows=[], message="")
    return counts


def start_import(*, rows: list[dict], event, user, file_name: str) -> ParticipantImport:
    """Keep the read rows on the server under a random token, for the preview and the confirmation.

    The user's earlier unconfirmed uploads and everyone's day-old ones are deleted (personal data).
    """
    with transaction.atomic():
        ParticipantImport.objects.filter(
            Q(created_by=user, status=ImportStatus.PENDING)
            | Q(created_at__lt=timezone.now() - STALE_AFTER, status__in=[ImportStatus.PENDING, ImportStatus.FAILED])
        ).delete()
        return ParticipantImport.objects.create(
            token=secrets.token_urlsafe(32), created_by=user, file_name=file_name[:200], rows=rows,
            row_count=len(rows), **{event.kind: event},
        )


def queue_import(*, batch: ParticipantImport) -> bool:
    """The coordinator confirmed (or pressed retry): run the import in a worker once this commits.

    A pending import is queued; a running one whose worker is gone (its row is not locked) is
    queued again. When the broker is down the row is marked ``queue_failed_at`` (the page offers a
    retry) instead of failing the request. Returns False when there is nothing to queue (already
    done, or a worker holds it right now). Pressing twice queues twice at most, and the worker
    runs a batch once (``run_import`` locks the row and checks its status).
    """
    from menet_portal import background

    from .tasks import run_participant_import

    with transaction.atomic():
        locked = ParticipantImport.objects.select_for_update(skip_locked=True).filter(pk=batch.pk).first()
        if locked is None or locked.status not in (ImportStatus.PENDING, ImportStatus.RUNNING):
            return False
        locked.status = ImportStatus.RUNNING
        locked.message = ""
        locked.queued_at, locked.queue_failed_at = timezone.now(), None
        locked.save(update_fields=["status", "message", "queued_at", "queue_failed_at"])
        background.publish_after_commit(run_participant_import, locked.pk, ParticipantImport)
    locked.refresh_from_db(fields=["queue_failed_at"])
    return locked.queue_failed_at is None


def requeue_stale_imports(*, now=None) -> list[int]:
    """The beat's pass: confirmed imports that are not being worked on and whose queueing failed, or
    that were queued longer ago than ``STALE_WORK_REQUEUE_AFTER_MINUTES`` (a lost message, a dead
    worker), are queued again. A worker running an import holds its row lock for the whole import:
    those rows are skipped (``skip_locked``), so nothing runs twice."""
    from menet_portal import background

    from .tasks import run_participant_import

    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            ParticipantImport.objects.select_for_update(skip_locked=True)
            .filter(status=ImportStatus.RUNNING)
            .filter(Q(queue_failed_at__isnull=False) | Q(queued_at__isnull=True) | Q(queued_at__lt=background.stale_before(now)))
            .values_list("pk", flat=True)
        )
        ParticipantImport.objects.filter(pk__in=stale).update(queued_at=now, queue_failed_at=None)
        for pk in stale:
            background.publish_after_commit(run_participant_import, pk, ParticipantImport)
    return stale


def run_import(import_id: int) -> str:
    """The worker's side: import every row in one transaction, or nothing; safe to run twice."""
    import logging

    from django.core.exceptions import ValidationError

    from .services import RegistrationError

    with transaction.atomic():
        batch = ParticipantImport.objects.select_for_update().filter(pk=import_id).first()
        if batch is None or batch.status != ImportStatus.RUNNING:
            return "skipped"
        try:
            with transaction.atomic():
                registrations = confirm_import(rows=batch.rows, event=batch.event, imported_by=batch.created_by)
        except ImportBlocked as exc:
            # Something changed since the preview (e.g. one of them registered meanwhile): back to the preview.
            batch.status = ImportStatus.PENDING
            batch.message = str(exc)
        except (RegistrationError, ValidationError) as exc:
            batch.status = ImportStatus.FAILED
            batch.message = "; ".join(getattr(exc, "messages", None) or [str(exc)])
        except Exception:  # noqa: BLE001 - the transaction is rolled back; the coordinator must know
            logging.getLogger(__name__).exception("Participant import %s failed", import_id)
            batch.status = ImportStatus.FAILED
            batch.message = _("Váratlan hiba történt; semmi sem került rögzítésre. Próbálja újra később.")
        else:
            batch.status = ImportStatus.DONE
            batch.confirmed_count = sum(r.status == RegistrationStatus.CONFIRMED for r in registrations)
            batch.waitlisted_count = sum(r.status == RegistrationStatus.WAITLISTED for r in registrations)
            batch.rows = []  # the people are in the database now; don't keep a second copy
        batch.finished_at = timezone.now() if batch.status != ImportStatus.PENDING else None
        batch.save()
        return batch.status
