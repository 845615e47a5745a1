"""Test data for the coordinator workspace, on top of the shared factories."""

from menet_portal.tests.factories import _tax_number, get_county


def person_data(**overrides):
    """Cleaned data as ParticipantForm / RegistrationForm give it to the services."""
    data = {
        "family_name": "Szőke", "given_name": "Győző", "email": "szoke.gyozo@example.hu",
        "phone": "06 30 123 4567", "birth_year": 1975, "settlement": "Tata",
        "county": get_county("Komárom-Esztergom"), "target_group": "citizen",
        "organisation_name": "", "organisation_kind": "", "tax_number": "", "size_band": "", "consent": True,
    }
    data.update(overrides)
    return data


def business_data(n=900, **overrides):
    values = {
        "target_group": "business", "organisation_name": "Példa Bt.", "organisation_kind": "company",
        "tax_number": _tax_number(n), "size_band": "micro",
    }
    values.update(overrides)
    return person_data(**values)


def form_post(**overrides):
    """The same person as a browser would POST it."""
    data = person_data()
    data["county"] = data["county"].pk
    data["consent"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
