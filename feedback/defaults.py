"""The default questionnaire: what the programme asks unless MKE staff change it."""

from django.utils.translation import gettext_lazy as _

from .models import QuestionKind

DEFAULT_QUESTIONS = [
    (QuestionKind.SCALE, _("Mennyire volt hasznos az Ön számára a rendezvény?"), _("egyáltalán nem"), _("nagyon hasznos")),
    (QuestionKind.SCALE, _("Mennyire volt elégedett az előadóval, oktatóval?"), _("nagyon elégedetlen"), _("nagyon elégedett")),
    (QuestionKind.SCALE, _("Mennyire volt érthető és használható a bemutatott anyag?"), _("egyáltalán nem"), _("teljesen")),
    (QuestionKind.SCALE, _("Mennyire valószínű, hogy ezután elektronikusan intézi ügyeit (e-ügyintézés, e-közszolgáltatások)?"),
     _("biztosan nem"), _("biztosan igen")),
    (QuestionKind.TEXT, _("Mit üzen a szervezőknek? Mi tetszett, min változtatna?"), "", ""),
]
