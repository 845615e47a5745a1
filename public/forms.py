"""Forms of the public site; they check input, the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CertificateLookupForm(forms.Form):
    code = forms.CharField(
        label=_("A tanúsítványon szereplő ellenőrző kód"), max_length=40,
        help_text=_("Például ABCD-EFGH-JKLM-NPQR. A kis- és nagybetű mindegy."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(label=_("A visszavonás oka"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))
