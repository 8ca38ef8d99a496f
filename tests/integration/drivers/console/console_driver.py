#!/usr/bin/python3
"""Drives switchyard's console in a real headless Chromium (Debian's chromium and chromium-driver,
through python3-selenium), one command per line on stdin, one answer per line on stdout, for
tests/integration/console_browser_test.cpp. Answers start with "ok" or "error".

  open URL                     load the page
  token TEXT                   type TEXT into the token box and press "Use token"
  forget                       drop the token kept in sessionStorage
  click CSS                    click the element CSS selects
  wait CSS SECONDS TEXT...     wait until the text of the element CSS selects contains TEXT
                               (CSS written with ~ for each space)
  text CSS                     the element's visible text, newlines as " | "
  shot PATH                    a PNG of the whole page
"""
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def start(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1360,1000", "--user-data-dir=" + profile_dir, "--no-first-run",
                "--disable-extensions", "--disable-background-networking"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def on_fresh(driver, css, act):
    # The page redraws every 2 s: an element found just before a redraw is gone; look again.
    for attempt in range(5):
        try:
            return act(driver.find_element(By.CSS_SELECTOR, css))
        except StaleElementReferenceException:
            if attempt == 4:
                raise
            time.sleep(0.05)


def text_of(driver, css):
    return on_fresh(driver, css, lambda element: element.text.replace("\n", " | "))


def answer(line):
    sys.stdout.write(line.replace("\n", " ") + "\n")
    sys.stdout.flush()


def main():
    driver = start(sys.argv[1])
    try:
        answer("ok ready")
        for line in sys.stdin:
            words = line.rstrip("\n").split(" ")
            command, args = words[0], words[1:]
            try:
                if command == "open":
                    driver.get(args[0])
                    answer("ok")
                elif command == "token":
                    box = driver.find_element(By.ID, "token")
                    box.clear()
                    box.send_keys(" ".join(args))
                    driver.find_element(By.ID, "savetoken").click()
                    answer("ok")
                elif command == "forget":
                    driver.execute_script("sessionStorage.clear()")
                    answer("ok")
                elif command == "click":
                    on_fresh(driver, " ".join(args), lambda element: element.click())
                    answer("ok")
                elif command == "wait":
                    css, seconds, wanted = args[0].replace("~", " "), float(args[1]), " ".join(args[2:])
                    deadline = time.monotonic() + seconds
                    seen = ""
                    while True:
                        try:
                            seen = text_of(driver, css)
                        except WebDriverException:
                            seen = "(no element " + css + ")"
                        if wanted in seen:
                            answer("ok " + seen)
                            break
                        if time.monotonic() > deadline:
                            answer("error timeout; saw: " + seen)
                            break
                        time.sleep(0.2)
                elif command == "text":
                    answer("ok " + text_of(driver, " ".join(args)))
                elif command == "shot":
                    height = driver.execute_script("return document.documentElement.scrollHeight")
                    driver.set_window_size(1360, max(800, min(int(height) + 160, 6000)))
                    time.sleep(0.3)
                    driver.save_screenshot(args[0])
                    driver.set_window_size(1360, 1000)
                    answer("ok")
                else:
                    answer("error unknown command " + command)
            except WebDriverException as e:
                answer("error " + str(e).splitlines()[0] if str(e) else "error " + type(e).__name__)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
