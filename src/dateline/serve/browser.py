"""Running the page for real: the server in a background thread, and headless Chromium.

Used by the end-to-end test and `scripts/screenshot.py`. The browser is Debian's `chromium`
driven through its `chromedriver` (Selenium, a dev dependency): nothing is downloaded.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return (f"{path} is missing: install Debian's chromium and chromium-driver "
                    "(apt-get install -y chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[dev]'"
    return None


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium(width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A headless Chromium WebDriver with a fresh profile, its console log kept."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="dateline-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROME_FLAGS, f"--user-data-dir={profile}",
                 f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_ready(driver: Any, timeout: float = 60) -> None:
    """Wait until the page says it has drawn its results (`<body data-ready="yes">`)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: d.find_element("css selector", "body").get_attribute("data-ready") == "yes")


def apply_filters(driver: Any, fields: dict[str, str], timeout: float = 60) -> None:
    """Fill the filter form as given (other text fields emptied), apply it and wait for the
    new results."""
    from selenium.webdriver.support.ui import Select

    for box in driver.find_elements("css selector", "#filters input[type=text],"
                                    " #filters input[type=search], #filters input[type=date]"):
        box.clear()
    for name, value in fields.items():
        box = driver.find_element("name", name)
        if box.tag_name == "select":
            Select(box).select_by_visible_text(value)
        else:
            box.send_keys(value)
    driver.execute_script("document.body.dataset.ready = 'no'")
    driver.find_element("id", "apply").click()
    wait_ready(driver, timeout)
