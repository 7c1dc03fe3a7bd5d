"""The web page as a person uses it, in headless Chromium against the real server: articles
go in over the API, then the page is filtered, an event opened and its evidence read."""

import datetime as dt
from pathlib import Path

import httpx
import pytest
from serve_fixtures import PALMYRA_SENTENCE, fill, merged

from dateline.serve import ServeConfig, create_app
from dateline.serve.browser import apply_filters, chromium, missing_browser, serving, wait_ready
from dateline.store import Store

WHY = missing_browser()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"no headless browser: {WHY}")

WIRE = (Path(__file__).parents[1] / "examples" / "wire_story.txt").read_text()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server over a store holding known events (two sources for Palmyra, a hostile
    article) plus a story the engine codes when it arrives through the ingest API."""
    store = Store(tmp_path_factory.mktemp("web") / "web.duckdb")
    fill(store)
    for i in range(55):  # 75 Iraqi events in all: two pages
        merged(store, f"ev-iq-extra-{i:02d}", event_date=dt.date(2022, 2, 1 + i % 28),
               event_type="Battles", sub_event_type="Armed clash", country="IQ",
               location="Mosul", latitude=36.34, longitude=43.13)
    app = create_app(store, ServeConfig(ingest_token="t0ken"))
    with serving(app) as base:
        got = httpx.post(f"{base}/api/documents", timeout=120,
                         json={"documents": [{"id": "wire", "text": WIRE}]},
                         headers={"Authorization": "Bearer t0ken"})
        assert got.status_code == 200, got.text
        assert got.json()["results"][0]["stored"]
        yield base
    store.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def wait(driver, condition, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def open_page(driver, base):
    driver.get(base + "/")
    wait_ready(driver, timeout=20)


def rows(driver):
    return driver.find_elements("css selector", "#events tbody tr")


def apply(driver, **fields):
    apply_filters(driver, fields, timeout=20)


def open_event(driver, row_text):
    row = wait(driver, lambda d: next((r for r in rows(d) if row_text in r.text), None))
    row.click()
    view = driver.find_element("id", "event-view")
    wait(driver, lambda d: view.is_displayed() and d.find_elements(
        "css selector", "#ev-sources li"))
    return view


def test_page_lists_maps_and_charts_every_event(site, browser):
    open_page(browser, site)
    first = httpx.get(f"{site}/api/events").json()["items"]
    assert len(rows(browser)) == len(first) == 50
    assert browser.find_elements("css selector", "#map .leaflet-overlay-pane canvas")
    assert browser.find_elements("css selector", "#timeline rect.bar")
    total = httpx.get(f"{site}/api/timeline").json()["total"]
    assert total > 25 + 55  # the known events and the ingested story's
    assert f"({total} events" in browser.find_element("id", "total").text


def test_filter_then_open_an_event_with_its_sources_and_evidence(site, browser):
    open_page(browser, site)
    apply(browser, country="Syria", event_type="Battles")
    assert [r.find_element("css selector", "td").text for r in rows(browser)] == ["2017-03-02"]
    view = open_event(browser, "Palmyra")
    assert browser.find_element("id", "ev-title").text == \
        "Government regains territory — Palmyra — 2017-03-02"
    control = wait(browser, lambda d: d.find_element("id", "ev-control").is_displayed()
                   and d.find_element("id", "ev-control"))
    assert "Who held Palmyra" in control.text and "Military Forces of Syria" in control.text
    sources = view.find_elements("css selector", "#ev-sources li.source")
    assert len(sources) == 2
    afp = sources[1]
    assert afp.find_element("css selector", "blockquote.sentence").text == PALMYRA_SENTENCE
    marks = {m.get_attribute("data-field"): m.text
             for m in afp.find_elements("css selector", "blockquote.sentence mark")}
    assert marks == {"actor1": "Syrian troops", "sub_event_type": "recaptured",
                     "location": "Palmyra", "event_date": "on Thursday"}
    assert "fatalities: fully secured" in afp.find_element("css selector", ".more-evidence").text
    link = afp.find_element("css selector", "a")
    assert link.get_attribute("href") == "https://example.org/palmyra"
    assert link.get_attribute("rel") == "noopener noreferrer"
    # SANA's url is "javascript:alert(1)": shown as a title, never made a link
    assert not sources[0].find_elements("css selector", "a")


def test_pages_of_events_by_cursor(site, browser):
    open_page(browser, site)
    apply(browser, country="IQ")
    first = [r.get_attribute("data-id") for r in rows(browser)]
    assert len(first) == 50 and browser.find_element("id", "newer").get_attribute("disabled")

    def turn(button, label):
        browser.find_element("id", button).click()
        wait(browser, lambda d: d.find_element("id", "page-label").text == label)
        return [r.get_attribute("data-id") for r in rows(browser)]

    second = turn("older", "page 2")
    assert len(second) == 25 and not set(first) & set(second)
    assert browser.find_element("id", "older").get_attribute("disabled")
    assert turn("newer", "page 1") == first


def test_article_text_is_shown_as_text_never_run(site, browser):
    open_page(browser, site)
    apply(browser, q="100%")
    view = open_event(browser, "Nairobi")
    quote = view.find_element("css selector", "blockquote.sentence").text
    assert '<img src=x onerror="window.__pwned = 2">' in quote
    view.find_element("css selector", "button.show-article").click()
    article = wait(browser, lambda d: d.find_elements("css selector", "pre.article"))[0]
    assert "<script>window.__pwned = 1</script>" in article.text
    assert not view.find_elements("css selector", "img, script")
    assert browser.execute_script("return window.__pwned") is None


def test_no_script_errors_or_policy_violations(site, browser):
    open_page(browser, site)
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == []
