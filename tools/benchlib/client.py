"""HTTPS client helpers, and the data made through the API at bench time
(issue 17): the mixed load's vacancies, invitation counts, and ids to spread
GETs over."""
import concurrent.futures
import http.client
import json
import ssl
import statistics
import threading
import time

from .common import BenchError


def tls_context(cafile=None):
    if cafile:
        ctx = ssl.create_default_context(cafile=cafile)
    else:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def https_request(port, method, path, headers=None, body=None, cafile=None, timeout=60):
    conn = http.client.HTTPSConnection("localhost", port, context=tls_context(cafile),
                                       timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, dict(r.getheaders()), data
    finally:
        conn.close()


def single_client(port, path, headers, cafile, n):
    """Latency of n sequential requests on one keep-alive connection (no load)."""
    conn = http.client.HTTPSConnection("localhost", port, context=tls_context(cafile),
                                       timeout=120)
    times = []
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            r.read()
            times.append((time.perf_counter() - t0) * 1000)
            if r.status != 200:
                raise BenchError(f"GET {path} answered {r.status}")
    finally:
        conn.close()
    return dict(runs=[round(t, 2) for t in times], median_ms=round(statistics.median(times), 2))


class Api:
    """One kept-alive TLS connection to the server (reconnects when it closes)."""

    def __init__(self, port, hdrs, cafile):
        self.port, self.hdrs, self.cafile = port, hdrs, cafile
        self.conn = None

    def request(self, method, path, body=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(
                    "localhost", self.port, context=tls_context(self.cafile), timeout=60)
            headers = dict(self.hdrs)
            if body is not None:
                headers["Content-Type"] = "application/json"
                body = body if isinstance(body, str) else json.dumps(body)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                return r.status, dict(r.getheaders()), r.read()
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def api_create(api, path, doc, what):
    status, _, body = api.request("POST", path, doc)
    if status != 201:
        raise BenchError(f"POST {path} ({what}) answered {status}: {body[:300]!r}")
    return json.loads(body)


def make_vacancies(port, hdrs, cafile, n, invitations, nonce, label, parallel=8):
    """n automated vacancies with `invitations` open invitations each, made through
    the API by `parallel` clients at once. Returns (vacancy ids, seconds)."""
    day = lambda d: time.strftime("%Y-%m-%d", time.gmtime(time.time() + d * 86400))
    local = threading.local()
    apis = []

    def one(i):
        if not hasattr(local, "api"):
            local.api = Api(port, hdrs, cafile)
            apis.append(local.api)
        v = api_create(local.api, "/api/vacancies", {"vacancy": {
            "title": f"{label} {i + 1}", "language": "en", "datetime_start": day(-30),
            "datetime_end": day(365)}}, label)["vacancy"]["id"]
        for j in range(invitations):
            api_create(local.api, "/api/invitations", {"invitation": {
                "vacancy_id": v, "candidate_name": f"{label} Candidate {i + 1}.{j + 1}",
                "candidate_email": f"made-{nonce}-{label.split()[-1].lower()}-{i}-{j}"
                                   "@candidates.example"}}, label)
        return v

    t0 = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
            ids = list(pool.map(one, range(n)))
    finally:
        for a in apis:
            a.close()
    return ids, round(time.monotonic() - t0, 2)


def invitation_count(port, hdrs, cafile, vacancy_ids):
    """Sum of X-Total-Count of GET /api/vacancies/:id/invitations?limit=0."""
    api = Api(port, hdrs, cafile)
    total = 0
    try:
        for v in vacancy_ids:
            path = f"/api/vacancies/{v}/invitations?limit=0"
            status, headers, body = api.request("GET", path)
            if status != 200:
                raise BenchError(f"GET {path} answered {status}: {body[:200]!r}")
            total += int(headers.get("X-Total-Count", "-1"))
    finally:
        api.close()
    return total


def sample_ids(port, hdrs, cafile, collection, want, pages=10):
    """Up to `want` ids of /api/<collection>, from `pages` pages spread evenly over
    the whole list (offset), so the GETs reach old and new rows alike."""
    api = Api(port, hdrs, cafile)
    try:
        status, headers, body = api.request("GET", f"/api/{collection}?limit=0")
        if status != 200:
            raise BenchError(f"GET /api/{collection}?limit=0 answered {status}: {body[:200]!r}")
        total = int(headers.get("X-Total-Count", "0"))
        per = max(1, want // pages)
        ids = []
        for k in range(pages):
            offset = total * k // pages
            path = f"/api/{collection}?limit={per}&offset={offset}"
            status, _, body = api.request("GET", path)
            if status != 200:
                raise BenchError(f"GET {path} answered {status}: {body[:200]!r}")
            key = collection[:-1]
            ids += [item[key]["id"] for item in json.loads(body)]
    finally:
        api.close()
    return sorted(set(ids)), total
