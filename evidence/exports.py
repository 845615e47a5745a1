"""The evidence list as CSV / XLSX (menet_portal.exports): states and counts only, no names."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from menet_portal.exports import Column


def _yes(value):
    return _("igen") if value else _("nem")


EVIDENCE_EXPORT_COLUMNS = [
    Column(_("Esemény"), lambda r: r.title),
    Column(_("Típus"), lambda r: r.kind_label),
    Column(_("Könyvtár"), lambda r: r.library.name),
    Column(_("Település"), lambda r: r.library.settlement),
    Column(_("Régió"), lambda r: r.region.name),
    Column(_("Kezdés"), lambda r: timezone.localtime(r.starts_at)),
    Column(_("Igazolás"), lambda r: r.state_label),
    Column(_("Jelenléti ív elkészült"), lambda r: _yes(r.sheet_generated)),
    Column(_("Jelenlévők"), lambda r: r.present),
    Column(_("Táblagépen aláírt"), lambda r: r.signed),
    Column(_("Oktató / előadó aláírta"), lambda r: _yes(r.lead_signed)),
    Column(_("Koordinátor aláírta"), lambda r: _yes(r.coordinator_signed)),
    Column(_("Beolvasott ív feltöltve"), lambda r: _yes(r.scan_uploaded)),
    Column(_("Hiányzik"), lambda r: "; ".join(str(p) for p in r.missing_parts)),
]
