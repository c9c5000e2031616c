"""`make bench`, the pages: signs in as each role through the real sign-in pages (the second factor's
code computed from the device key, as the authenticator app does), then drives gunicorn with wrk,
each page alternating with the bare view, several rounds, and prints medians.

wrk (a C load generator, `apt-get install wrk`) rather than a Python client: on a two-core machine
a Python client would take a core's worth of the CPU it measures, and report its own latency.
"""

import json
import re
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from django_otp.oath import TOTP

CONNECTIONS, THREADS = 4, 2
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %f %f %f %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


class Browser:
    """Cookies and CSRF as a browser keeps them, over plain HTTP on loopback."""

    def __init__(self, base):
        self.base, self.jar = base, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(self.base + path) as response:
            return response.read().decode(), response.headers, response.url

    def post(self, path, data):
        page, _, _ = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request) as response:
            return response.read().decode(), response.url

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")


def sign_in(base, email, password, device_key=None):
    browser = Browser(base)
    _, landed = browser.post("/sign-in/", {"username": email, "password": password})
    if device_key:
        code = TOTP(bytes.fromhex(device_key)).token()
        _, landed = browser.post("/sign-in/verify/", {"code": f"{code:06d}"})
    assert "/sign-in/" not in landed, f"{email} did not get past the sign-in pages: {landed}"
    return browser


def sign_in_by_link(base, link):
    browser = Browser(base)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page, _, _ = browser.get("/" + path)
    token = re.search(r'name="t" value="([^"]+)"', page)[1]
    _, landed = browser.post("/" + path, {"t": token})
    assert "/sign-in/" not in landed, landed
    return browser


def settle(base, timeout=120):
    """Waits for the requests wrk left in gunicorn's workers when it stopped (a slow page goes on
    being served), so that the next run starts on idle workers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(base + "/bench/ok/") as response:
            response.read()
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.1)


def wrk(base, path, seconds, cookie="", method="GET", body="", csrf=""):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
        if body:
            script.write(f"wrk.body = {json.dumps(body)}\n")
            script.write('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
            script.write(f'wrk.headers["Referer"] = "{base}{path}"\n')
        if cookie:
            script.write(f'wrk.headers["Cookie"] = "{cookie}"\n')
        script.write(REPORT)
    out = subprocess.run(
        ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "60s"]
        + ["-s", script.name, base + path],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    ).stdout
    Path(script.name).unlink()
    settle(base)
    found = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    requests, duration, p50, p95, errors = found.groups()
    return {"rps": int(requests) / float(duration), "p50": float(p50), "p95": float(p95), "errors": int(errors)}


def pages(data, browsers):
    committee, welfare, coach, guardian, designated, anonymous = (
        browsers[k] for k in ("committee", "welfare", "coach", "guardian", "designated", "anonymous")
    )
    deep = data["deep_cursor"]
    child = data["guardian_child"]
    consent_body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": guardian.csrf(), "photo_website": "on", "name_published": "on"}
    )
    return [
        ("bare, signed in", welfare, "/bench/ok/", {}),
        ("welfare queue, page 1", welfare, "/concerns/cases/", {}),
        ("welfare queue, deep page", welfare, f"/concerns/cases/?after={deep}", {}),
        ("welfare queue, filtered", welfare, "/concerns/cases/?show=urgent&category=cyberbullying", {}),
        ("case, 250 entries", welfare, f"/concerns/cases/{data['long_case']}/", {}),
        ("person's record", welfare, f"/concerns/people/{data['record_child']}/", {}),
        ("consent form, read", guardian, "/consents/", {}),
        ("consent form, saved", guardian, f"/consents/{child}/answer/", {"method": "POST", "body": consent_body}),
        ("team sheet, 1,500 players", coach, f"/consents/team-sheet/{data['big_team']}/", {}),
        ("committee dashboard", committee, "/committee/", {}),
        ("public accounts page", anonymous, "/accounts/", {}),
        ("home: committee", committee, "/", {}),
        ("home: welfare officer", welfare, "/", {}),
        ("home: coach", coach, "/", {}),
        ("home: guardian", guardian, "/", {}),
        ("approvals page", designated, "/messages/approvals/", {}),
    ]


def queries(browser, path, spec):
    if spec.get("method") == "POST":
        return None
    _, headers, _ = browser.get(path)
    return int(headers.get("X-Queries", "0"))


def run(base, data, *, rounds, seconds):
    browsers = {
        "anonymous": Browser(base),
        "committee": sign_in(base, data["committee"], data["password"], data["devices"][data["committee"]]),
        "welfare": sign_in(base, data["welfare"], data["password"], data["devices"][data["welfare"]]),
        "designated": sign_in(base, data["designated"], data["password"], data["devices"][data["designated"]]),
        "coach": sign_in(base, data["coach"], data["password"]),
        "guardian": sign_in_by_link(base, data["guardian_link"]),
    }
    browsers["anonymous"].get("/accounts/")
    rows = pages(data, browsers)
    results = {name: [] for name, *_ in rows}
    bare = {name: [] for name, *_ in rows}
    counts = {name: queries(b, path, spec) for name, b, path, spec in rows}
    counts["bare, anonymous"] = queries(browsers["anonymous"], "/bench/ok/", {})
    for _ in range(rounds):
        for name, browser, path, spec in rows:
            bare[name].append(wrk(base, "/bench/ok/", seconds))
            results[name].append(wrk(base, path, seconds, cookie=browser.cookie_header(), **spec))
    table = [("bare, anonymous", _median([r for runs in bare.values() for r in runs]), 1.0, counts["bare, anonymous"])]
    for name, *_ in rows:
        page, reference = _median(results[name]), _median(bare[name])
        table.append((name, page, page["rps"] / reference["rps"] if reference["rps"] else 0.0, counts[name]))
    return table


def _median(runs):
    return {key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p95", "errors")}


def format_table(table):
    lines = ["| page | req/s | × bare | p50 ms | p95 ms | queries |", "|---|---:|---:|---:|---:|---:|"]
    for name, r, ratio, count in table:
        q = "–" if count is None else str(count)
        errors = f" ({r['errors']:.0f} errors)" if r["errors"] else ""
        lines.append(f"| {name}{errors} | {r['rps']:.0f} | {ratio:.3f} | {r['p50']:.1f} | {r['p95']:.1f} | {q} |")
    return "\n".join(lines)
