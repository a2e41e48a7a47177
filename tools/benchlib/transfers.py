"""The single-client transfers on a restarted server: the unpaginated
GET /api/interviews (curl) and a tus recording upload, each with the server's
RSS growth."""
import base64
import http.client
import os
import re
import subprocess
import tempfile
import time

from .client import https_request, tls_context
from .common import MiB, BenchError, log
from .procs import PROCS, Sampler, rss_kib


def stream_list(port, auth, pid, interval):
    """GET /api/interviews (unpaginated) with curl; RSS growth of the server meanwhile."""
    hdr = tempfile.NamedTemporaryFile(prefix="bench-headers-", delete=False)
    hdr.close()
    baseline = rss_kib(pid)
    marker = b'{"interview":'
    rows = nbytes = 0
    tail = b""
    with Sampler([pid], interval) as smp:
        t0 = time.perf_counter()
        p = PROCS.start("curl", ["curl", "-sS", "-k", "--no-buffer", "-D", hdr.name, "-H",
                                 f"Authorization: {auth}", "-o", "-",
                                 f"https://127.0.0.1:{port}/api/interviews"],
                        stdout=subprocess.PIPE)
        try:
            while True:
                chunk = p.stdout.read(1 << 20)
                if not chunk:
                    break
                nbytes += len(chunk)
                joined = tail + chunk
                rows += joined.count(marker) - tail.count(marker)
                tail = joined[-64:]
            code = p.wait(timeout=30)
        finally:
            PROCS.stop(p)
        seconds = time.perf_counter() - t0
    with open(hdr.name, errors="replace") as f:
        headers = f.read()
    os.unlink(hdr.name)
    m = re.search(r"^HTTP/\S+ (\d+)", headers, re.M)
    status = int(m.group(1)) if m else 0
    m = re.search(r"^x-total-count:\s*(\d+)", headers, re.M | re.I)
    total = int(m.group(1)) if m else None
    complete = code == 0 and status == 200 and tail.rstrip().endswith(b"]") and rows == total
    return dict(seconds=round(seconds, 3), bytes=nbytes, rows=rows, total=total, status=status,
                curl_exit=code, complete=complete, baseline_rss_kib=baseline,
                peak_rss_kib=smp.peak, growth_kib=smp.peak - baseline,
                cpu_seconds=round(smp.cpu, 2),
                chunked="transfer-encoding: chunked" in headers.lower())


def upload_file(workdir, size):
    """A WebM-looking file: the EBML magic the server checks, then random bytes."""
    path = os.path.join(workdir, f"upload-{size}.webm")
    if not os.path.exists(path) or os.path.getsize(path) != size:
        with open(path + ".tmp", "wb") as f:
            f.write(bytes([0x1A, 0x45, 0xDF, 0xA3]))
            left = size - 4
            while left > 0:
                n = min(left, 1 << 20)
                f.write(os.urandom(n))
                left -= n
        os.rename(path + ".tmp", path)
    return path


def upload(port, token, path, pid, cafile, fallback_chunk=1 << 20):
    """A tus 1.0 client: create, then PATCH the rest until the server has it all.

    Returns None when the server has no upload endpoint."""
    base = f"/public/job_interviews/{token}/uploads"
    status, headers, _ = https_request(port, "OPTIONS", base, cafile=cafile)
    if status in (404, 405) or "Tus-Version" not in headers:
        return None
    size = os.path.getsize(path)
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                    for k, v in (("kind", "recording"), ("question", "1")))
    tus = {"Tus-Resumable": "1.0.0"}
    patches = 0
    with Sampler([pid]) as smp:
        baseline = rss_kib(pid)
        t0 = time.perf_counter()
        status, headers, body = https_request(
            port, "POST", base, dict(tus, **{"Upload-Length": str(size),
                                             "Upload-Metadata": meta}), cafile=cafile)
        if status != 201 or "Location" not in headers:
            raise BenchError(f"upload: creation answered {status}: {body[:200]!r}")
        location = headers["Location"]
        offset = 0
        chunk = size  # the whole file in one PATCH, as tus-js-client does by default
        fallback = None
        conn = http.client.HTTPSConnection("localhost", port, context=tls_context(cafile),
                                           timeout=120, blocksize=1 << 20)
        try:
            with open(path, "rb") as f:
                while offset < size:
                    n = min(chunk, size - offset)
                    f.seek(offset)
                    body_part = f if n == size - offset else f.read(n)
                    conn.request("PATCH", location, body=body_part, headers=dict(tus, **{
                        "Content-Type": "application/offset+octet-stream",
                        "Upload-Offset": str(offset), "Content-Length": str(n)}))
                    r = conn.getresponse()
                    data = r.read()
                    patches += 1
                    new = int(r.getheader("Upload-Offset") or -1)
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                    if r.status == 204 and new <= offset and chunk > fallback_chunk:
                        fallback = (f"a {n / MiB:.0f} MiB PATCH answered {r.status} with "
                                    f"Upload-Offset {new}: no progress; resent in "
                                    f"{fallback_chunk // 1024} KiB PATCHes")
                        log(f"upload: {fallback}")
                        chunk = fallback_chunk
                        continue
                    if r.status != 204 or new <= offset:
                        raise BenchError(f"upload: PATCH at offset {offset} answered {r.status} "
                                         f"with Upload-Offset {new}: {data[:200]!r}")
                    offset = new
        finally:
            conn.close()
        seconds = time.perf_counter() - t0
    return dict(bytes=size, seconds=round(seconds, 3), patches=patches, fallback=fallback,
                mib_per_s=round(size / MiB / seconds, 1), baseline_rss_kib=baseline,
                peak_rss_kib=smp.peak, growth_kib=smp.peak - baseline,
                cpu_seconds=round(smp.cpu, 2))
