"""Personal offers: the terms, idempotent issuing of single-use codes through
the offers backend (the local one here), and the help desk's order actions
on a ticket (a goodwill voucher; refunds, which need Saleor).
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_crm_plugin.marketing.models import Offer, OfferCode
from saleor_crm_plugin.marketing.offers import (
    MAX_VALID_DAYS,
    ChannelInfo,
    LocalOffersBackend,
    OfferError,
    OfferSpec,
    issue_offer_codes,
    offers_backend,
    validate_offer,
)

pytestmark = pytest.mark.django_db

SPEC = OfferSpec(discount_type="PERCENTAGE", value=Decimal(10), valid_days=14, channel="eu")


class StoreBackend(LocalOffersBackend):
    """A backend that knows the store's channels, as Saleor's does."""

    name = "store"
    CHANNELS = {"eu": ChannelInfo("eu", "EUR"), "jp": ChannelInfo("jp", "JPY")}

    def channel(self, slug):
        return self.CHANNELS.get(slug)


def codes_of(errors):
    return [(error.field, error.code) for error in errors]


# --- the terms ---------------------------------------------------------------


def test_valid_spec_has_no_errors():
    assert validate_offer(SPEC) == []
    assert validate_offer(replace(SPEC, discount_type="FIXED", value=Decimal("5.50"))) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"discount_type": "BOGO"}, [("discountType", "invalid")]),
        ({"value": Decimal(0)}, [("value", "invalid")]),
        ({"value": Decimal(-1)}, [("value", "invalid")]),
        ({"value": Decimal("100.5")}, [("value", "invalid")]),
        ({"value": "NaN"}, [("value", "invalid")]),
        ({"value": "ten"}, [("value", "invalid")]),
        ({"value": Decimal("1.0001")}, [("value", "invalid_precision")]),
        ({"valid_days": 0}, [("validDays", "invalid")]),
        ({"valid_days": MAX_VALID_DAYS + 1}, [("validDays", "invalid")]),
        ({"valid_days": True}, [("validDays", "invalid")]),
        ({"channel": "  "}, [("channel", "required")]),
        ({"channel": "x" * 256}, [("channel", "invalid")]),
        ({"minimum_spent": Decimal(-1)}, [("minimumSpent", "invalid")]),
        (
            {"discount_type": "FIXED", "value": Decimal(0), "valid_days": 0},
            [("value", "invalid"), ("validDays", "invalid")],
        ),
    ],
)
def test_invalid_spec_gets_typed_errors_per_field(changes, expected):
    assert codes_of(validate_offer(replace(SPEC, **changes))) == expected


def test_percentage_of_100_is_allowed():
    assert validate_offer(replace(SPEC, value=Decimal(100))) == []


def test_backend_that_knows_channels_checks_channel_and_currency():
    backend = StoreBackend()
    assert codes_of(validate_offer(replace(SPEC, channel="us"), backend)) == [
        ("channel", "not_found")
    ]
    # JPY has no minor unit: a fixed 5.5 or a minimum of 10.5 JPY cannot exist.
    fixed_yen = replace(SPEC, channel="jp", discount_type="FIXED", value=Decimal("5.5"))
    assert codes_of(validate_offer(fixed_yen, backend)) == [("value", "invalid_precision")]
    minimum_yen = replace(SPEC, channel="jp", minimum_spent=Decimal("10.5"))
    assert codes_of(validate_offer(minimum_yen, backend)) == [("minimumSpent", "invalid_precision")]
    # A percentage is not money: decimals allowed in any currency.
    assert validate_offer(replace(SPEC, channel="jp", value=Decimal("7.5")), backend) == []


def test_field_prefix_names_the_input_path():
    errors = validate_offer(replace(SPEC, value=Decimal(0)), field_prefix="offer.")
    assert codes_of(errors) == [("offer.value", "invalid")]


# --- issuing -----------------------------------------------------------------


def test_standalone_default_backend_is_local():
    assert isinstance(offers_backend(), LocalOffersBackend)
    assert offers_backend().redeemable is False


def test_issue_gives_each_recipient_its_own_code():
    issued = issue_offer_codes("campaign:1", SPEC, ["p1", "p2", "p3"], name="Spring")
    assert set(issued) == {"p1", "p2", "p3"}
    assert len({code.code for code in issued.values()}) == 3
    offer = Offer.objects.get()
    assert (offer.key, offer.name, offer.backend, offer.channel) == (
        "campaign:1",
        "Spring",
        "local",
        "eu",
    )
    assert {code.expires_at for code in issued.values()} == {offer.expires_at}
    assert (offer.expires_at - offer.created_at).days in (13, 14)
    assert all(len(code.code) == 14 and code.code.count("-") == 2 for code in issued.values())


def test_issue_is_idempotent_and_adds_only_new_recipients():
    first = issue_offer_codes("campaign:1", SPEC, ["p1", "p2"], name="Spring")
    again = issue_offer_codes("campaign:1", SPEC, ["p2", "p1", "p3", "p3"], name="Spring")
    assert again["p1"] == first["p1"]
    assert again["p2"] == first["p2"]
    assert again["p3"].code not in {first["p1"].code, first["p2"].code}
    assert Offer.objects.count() == 1
    assert OfferCode.objects.count() == 3


def test_keys_are_separate_offers():
    a = issue_offer_codes("campaign:1", SPEC, ["p1"], name="A")
    b = issue_offer_codes("campaign:2", SPEC, ["p1"], name="B")
    assert a["p1"].code != b["p1"].code
    assert Offer.objects.count() == 2


def test_same_key_with_other_terms_is_refused_and_writes_nothing():
    issue_offer_codes("campaign:1", SPEC, ["p1"], name="A")
    with pytest.raises(OfferError) as refused:
        issue_offer_codes("campaign:1", replace(SPEC, value=Decimal(20)), ["p2"], name="A")
    assert (refused.value.field, refused.value.code) == ("key", "conflict")
    assert OfferCode.objects.count() == 1


def test_invalid_spec_writes_nothing():
    with pytest.raises(OfferError):
        issue_offer_codes("campaign:1", replace(SPEC, valid_days=0), ["p1"], name="A")
    assert not Offer.objects.exists()


@pytest.mark.parametrize("key", ["", " ", "k" * 256])
def test_bad_key_is_refused(key):
    with pytest.raises(OfferError) as refused:
        issue_offer_codes(key, SPEC, ["p1"], name="A")
    assert refused.value.field == "key"


def test_issuing_thousands_of_codes_takes_a_few_statements():
    recipients = [f"profile:{n}" for n in range(5000)]
    with CaptureQueriesContext(connection) as first:
        issued = issue_offer_codes("campaign:big", SPEC, recipients, name="Big")
    assert len({code.code for code in issued.values()}) == 5000
    # Per chunk of 2,000: look up, check fresh codes, insert; plus the offer.
    assert len(first.captured_queries) <= 20
    with CaptureQueriesContext(connection) as again:
        assert issue_offer_codes("campaign:big", SPEC, recipients, name="Big") == issued
    assert len(again.captured_queries) <= 8


def test_backend_failure_rolls_everything_back():
    class Failing(LocalOffersBackend):
        def create_codes(self, offer, count):
            raise RuntimeError("store down")

    with pytest.raises(RuntimeError):
        issue_offer_codes("campaign:1", SPEC, ["p1"], name="A", backend=Failing())
    assert not Offer.objects.exists()


def test_backend_chosen_by_setting(settings):
    from saleor_crm_plugin.marketing import offers

    settings.SALEOR_CRM_OFFERS_BACKEND = "tests.test_offers.StoreBackend"
    offers._backend_class.cache_clear()
    try:
        issued = issue_offer_codes("campaign:1", SPEC, ["p1"], name="A")
        assert Offer.objects.get().backend == "store"
        assert Offer.objects.get().currency == "EUR"
        assert issued["p1"].code
    finally:
        offers._backend_class.cache_clear()
