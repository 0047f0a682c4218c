"""Sexual-solicitation rules 1.3: "full service" in a car's service history, at a full-service
station or garage is not an offer of sex (a legal car sale was flagged); an offer still is."""

from __future__ import annotations

import pytest

from heard.protect.stage import HarmStage

CAR = "Private sale: 2015 Honda Civic, 90k miles, one owner, full service history. Asking $9,500."


@pytest.fixture(scope="module")
def stage():
    return HarmStage(nearest=0)


@pytest.mark.parametrize(
    "text",
    [CAR, "Full service station on Route 9 has gas at $3.10, open 24h, selling snacks too."],
)
def test_full_service_of_a_car_or_station_is_not_solicitation(stage, text):
    [flags] = stage.flag_texts([text])
    assert "sexual_solicitation" not in {f["label"] for f in flags}


def test_an_offer_of_full_service_is_still_flagged(stage):
    [flags] = stage.flag_texts(["Full service massage at your hotel, $200 an hour, text me."])
    assert "sexual_solicitation" in {f["label"] for f in flags}
