"""The places stage on small hand-made documents (no development data read)."""

from __future__ import annotations

import pytest

from dateline.places import PlacesStage, load_gazetteer
from dateline.places.names import norm, skeleton
from dateline.records import Actor, Document, Event, Span

PALMYRA_ID = 163808


@pytest.fixture(scope="module")
def stage() -> PlacesStage:
    return PlacesStage()


def _span(text: str, part: str, after: int = 0) -> Span:
    start = text.index(part, after)
    return Span(start=start, end=start + len(part), text=part)


def _doc(text: str, dateline: str | None = None, events: list[tuple] = ()) -> Document:
    """`events`: (sentence, trigger word, actor country or None) triples, all within `text`."""
    doc = Document(id="t", text=text)
    if dateline:
        doc.dateline = _span(text, dateline)
    for sentence, trigger, country in events:
        sent = _span(text, sentence)
        event = Event(event_type="Battles", sub_event_type="Armed clash", sentence=sent,
                      trigger=_span(text, trigger, sent.start))
        if country:
            event.actor1 = Actor(name=f"Military Forces of {country}", country=country,
                                 span=_span(text, trigger, sent.start))
        doc.events.append(event)
    return doc


def _places(doc: Document, name: str) -> list:
    return [p for p in doc.places if p.name == name]


def test_norm_and_skeleton_fold_spellings():
    assert norm("St. Louis") == norm("Saint Louis")
    assert norm("Ar-Raqqah") == "ar raqqah"
    assert skeleton("Raqa") == skeleton("Raqqa") == skeleton("Ar-Raqqah")


def test_palmyra_and_tadmur_resolve_to_the_same_town():
    gaz = load_gazetteer()
    for name in ("Palmyra", "Tadmur"):
        ids = {e.geonameid: e for e, _ in gaz.lookup(name)}
        assert PALMYRA_ID in ids
        assert ids[PALMYRA_ID].admin1 == "Homs" and ids[PALMYRA_ID].country == "SY"


def test_raqqa_spellings_meet(stage):
    ids = set()
    for name in ("Raqa", "Raqqa", "Ar-Raqqah"):
        doc = stage(_doc(f"Kurdish-led forces advanced on {name}, the militants' stronghold."))
        [place] = _places(doc, name)
        assert place.country == "SY"
        ids.add(place.geonameid)
    assert len(ids) == 1


def test_city_of_palmyra_is_found_even_when_ner_calls_it_a_person(stage):
    text = ("Syrian troops backed by Russian jets have completed the recapture of the historic "
            "city of Palmyra from the Islamic State, the army said.")
    doc = stage(_doc(text))
    [place] = _places(doc, "Palmyra")
    assert place.geonameid == PALMYRA_ID and place.admin1 == "Homs"
    for word, iso in (("Syrian", "SY"), ("Russian", "RU")):  # demonyms: the country, never
        [demonym] = _places(doc, word)  # where the event happened
        assert demonym.role == "demonym" and demonym.feature == "country"
        assert demonym.country == iso


def test_dateline_city_is_not_the_event_place(stage):
    text = "BEIRUT • Syrian troops recaptured the historic city of Palmyra on Thursday."
    doc = stage(_doc(text, dateline="BEIRUT", events=[(text, "recaptured", "SY")]))
    [beirut] = _places(doc, "BEIRUT")
    assert beirut.role == "dateline" and beirut.country == "LB"
    event = doc.events[0]
    assert event.place.geonameid == PALMYRA_ID
    assert event.geo_precision == 1 and event.country == "SY"
    assert event.evidence["location"].text == "Palmyra"


def test_told_reporters_in_moscow_is_a_source(stage):
    text = ("Government forces shelled rebel positions in Idlib, a Kremlin spokesman told "
            "reporters in Moscow on Thursday.")
    doc = stage(_doc(text, events=[(text, "shelled", "SY")]))
    [moscow] = _places(doc, "Moscow")
    assert moscow.role == "source"
    assert doc.events[0].place.name == "Idlib"


def test_based_place_is_a_source(stage):
    doc = stage(_doc("The London-based group said the militants withdrew from Mosul."))
    [london] = _places(doc, "London")
    assert london.role == "source"
    assert _places(doc, "Mosul")[0].role == "mention"


def test_place_inside_an_organisation_name(stage):
    text = "The Aleppo Media Centre said barrel bombs hit the town of Darayya."
    doc = stage(_doc(text, events=[(text, "hit", None)]))
    assert all(p.role == "organisation" for p in _places(doc, "Aleppo"))
    assert doc.events[0].place.name != "Aleppo"


@pytest.mark.parametrize(("text", "country"), [
    ("Libyan militias clashed with government forces in Tripoli on Sunday.", "LY"),
    ("The Lebanese army deployed in Tripoli after clashes in the northern city.", "LB"),
])
def test_same_name_ranked_by_context(stage, text, country):
    doc = stage(_doc(text))
    [tripoli] = _places(doc, "Tripoli")
    assert tripoli.country == country


def test_x_comma_y_pattern(stage):
    doc = stage(_doc("The festival moved from Paris, Texas to Dallas this year."))
    paris = _places(doc, "Paris")[0]
    assert paris.country == "US" and paris.admin1 == "Texas"


def test_province_gives_admin1_with_precision_3(stage):
    text = "Syrian government forces bombed rebel-held villages in Homs province on Monday."
    doc = stage(_doc(text, events=[(text, "bombed", "SY")]))
    event = doc.events[0]
    assert event.place.feature == "admin1" and event.place.admin1 == "Homs"
    assert event.geo_precision == 3 and event.country == "SY"
    homs_city = next(e for e, _ in load_gazetteer().lookup("Homs") if e.feature == "city"
                     and e.country == "SY")
    # Coded at the province's capital, not at its centre.
    assert abs(event.place.latitude - homs_city.latitude) < 0.05


def test_near_town_is_precision_2(stage):
    text = "Government troops clashed with rebels near Palmyra on Friday."
    doc = stage(_doc(text, events=[(text, "clashed", "SY")]))
    assert doc.events[0].place.geonameid == PALMYRA_ID
    assert doc.events[0].geo_precision == 2


def test_event_without_toponym_gets_the_country(stage):
    text = "Syrian government forces shelled rebel positions overnight, the army said."
    doc = stage(_doc(text, events=[(text, "shelled", "SY")]))
    event = doc.events[0]
    assert event.place is not None and event.place.feature == "country"
    assert event.country == "SY" and event.geo_precision == 3
    assert event.place.latitude == pytest.approx(33.5, abs=0.2)  # Damascus
    assert "country" in event.evidence


def test_no_events_and_no_places(stage):
    doc = stage(_doc("The committee met on Tuesday and approved the budget."))
    assert doc.places == [] and doc.events == []


def test_a_small_town_abroad_is_not_forced_on_a_story_about_another_country(stage):
    doc = stage(_doc("About 60 civilians were killed in the village of Karma, near Ouahigouya "
                     "in northern Burkina Faso, by men wearing uniforms."))
    assert all(p.country in (None, "BF") for p in doc.places)
    assert _places(doc, "Ouahigouya")[0].country == "BF"


def test_somali_and_kurdish_spellings_meet():
    gaz = load_gazetteer()
    somali = {e.geonameid for name in ("Xarardheere", "Harardhere")
              for e, _ in gaz.lookup(name, loose=True) if e.country == "SO"}
    assert len(somali) == 1
    kobani = {e.geonameid for name in ("Kobani", "Ayn al-Arab")
              for e, _ in gaz.lookup(name, loose=True) if e.country == "SY"}
    assert len(kobani) == 1


def test_countries_sit_at_their_reference_point_not_their_towns_centre():
    gaz = load_gazetteer()
    us, russia = gaz.country("US"), gaz.country("RU")
    assert (us.latitude, us.longitude) == pytest.approx((39.76, -98.5), abs=0.01)
    assert (russia.latitude, russia.longitude) == pytest.approx((60.0, 100.0), abs=0.5)
    assert russia.seat_lat == pytest.approx(55.75, abs=0.1)  # events still coded at Moscow


def test_streets_people_and_compass_words_are_not_places(stage):
    doc = stage(_doc("Western leaders met on Darby Street in Dublin, Ohio, where coach Ripley "
                     "of the Northeast team spoke."))
    names = {p.name for p in doc.places}
    assert {"Dublin", "Ohio"} <= names
    assert not names & {"Western", "Darby", "Ripley", "Northeast"}


@pytest.mark.parametrize("text", [
    "The festival drew thousands to Greer, S.C., on Saturday.",
    "The festival drew thousands to Greer, South Carolina, on Saturday.",
])
def test_a_small_town_confirmed_by_its_state(stage, text):
    [greer] = _places(stage(_doc(text)), "Greer")
    assert greer.country == "US" and greer.admin1 == "South Carolina"


def test_inline_dateline_with_state_and_agency(stage):
    doc = stage(_doc("Storm overturns big rigs. SALINA, Kan. (AP) — Strong winds toppled 13 "
                     "vehicles on the interstate."))
    [salina] = _places(doc, "SALINA")
    assert salina.role == "dateline" and salina.admin1 == "Kansas"


def test_a_continent_is_a_place_but_never_an_event_location(stage):
    text = "Migrants crossed into Europe after clashes near the border."
    doc = stage(_doc(text, events=[(text, "clashes", None)]))
    [europe] = _places(doc, "Europe")
    assert europe.feature == "region" and europe.country is None and europe.geonameid
    assert doc.events[0].place is None or doc.events[0].place.name != "Europe"


def test_rockets_land_where_the_event_is_not_where_they_were_fired(stage):
    text = ("Two women were killed when rockets fired by Palestinian militants from Gaza hit "
            "residential buildings in the southern Israeli city of Ashkelon on Tuesday.")
    doc = stage(_doc(text, events=[(text, "hit", None)]))
    assert _places(doc, "Gaza")[0].country == "PS"
    assert doc.events[0].place.name == "Ashkelon" and doc.events[0].country == "IL"


def test_a_jordan_in_a_minnesota_story_is_the_town(stage):
    doc = stage(_doc("The Jordan city council met in Jordan on Monday; Shakopee, Minn., "
                     "sent two officers."))
    assert {p.country for p in _places(doc, "Jordan")} == {"US"}
