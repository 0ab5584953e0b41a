"""Signing staff in for the browser tests and benchmarks, the way a facilitator does it.

:func:`sign_in_staff` fills the light page ``/masuk/staf`` in a Playwright page and waits for the
app it leads to. :func:`staff_cookies` does the same over plain HTTP (GET the form for its
``_xsrf``, POST ``username``, ``password``, ``_xsrf``) and returns the cookies to send with an app
request, for tests and benchmarks without a browser.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

FACILITATOR_APP = "/voila/render/pendamping.ipynb"
MANAGER_APP = "/voila/render/program.ipynb"
SIGNIN = "/masuk/staf"


def sign_in_staff(page, base: str, username: str, password: str, app: str | None = None) -> None:
    """Sign in on ``/masuk/staf`` (``?next=app`` when given) and wait until the app's page is
    there (a wrong role or password leaves the page on the sign-in form: the caller checks)."""
    url = base + SIGNIN + ("?" + urllib.parse.urlencode({"next": app}) if app else "")
    page.goto(url)
    page.locator("input.bdk-staff-user").fill(username)
    page.locator("input.bdk-staff-password").fill(password)
    with page.expect_navigation(timeout=120_000):  # the POST, its 303, then the app's page
        page.locator("button.bdk-staff-signin").click()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(jar: http.cookiejar.CookieJar | None = None):
    """A urllib opener that keeps cookies and never follows redirects."""
    jar = jar if jar is not None else http.cookiejar.CookieJar()
    return urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(jar)), jar


def fetch(op, url: str, data: dict | None = None, timeout: float = 120):
    """(status, headers, body text) of a GET, or a POST of ``data``; redirects are not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        r = op.open(url, data=body, timeout=timeout)
        return r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode("utf-8", "replace")


def form_xsrf(html: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', html).group(1)


def staff_cookies(base: str, username: str, password: str) -> dict[str, str]:
    """Sign in over HTTP; the cookies (``bdk_staff``, ``_xsrf``) an app request then carries."""
    op, jar = opener()
    status, _, html = fetch(op, base + SIGNIN)
    assert status == 200, status
    status, headers, text = fetch(
        op, base + SIGNIN, {"username": username, "password": password, "_xsrf": form_xsrf(html)}
    )
    assert status == 303, (status, text[:500])
    return {c.name: c.value for c in jar}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())
