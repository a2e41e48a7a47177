"""Live rooms (issue 16): signalling streams (server-sent events) and chat
messages, made and measured on the running server."""
import base64
import hashlib
import http.client
import json
import os
import socket
import ssl
import threading
import time

from .client import https_request, tls_context
from .common import BenchError, log
from .procs import proc_status
from .render import fmt_mib
from .wrk import wrk


LIVE_ROOMS = 100            # rooms of three participants: 300 open streams
LIVE_MESSAGE_INTERVAL = 0.05  # one chat message every 50 ms during the latency run


class LiveSkip(Exception):
    """The server has no signalling routes: the live rows are skipped (not a pass)."""


def guest_token(invitation_token, guest_id):
    """A guest's link token as the server mails it (mail::GuestToken)."""
    return _id_token(invitation_token, "cammio guest ", guest_id)


def _id_token(key, purpose, ident):
    import hmac
    mac = hmac.new(key.encode(), f"{purpose}{ident}".encode(), hashlib.sha256).digest()[:16]
    return f"{ident}." + base64.b32encode(mac).decode().lower().rstrip("=")


class EventStream:
    """GET <base>/live/events over TLS; frames parsed as they arrive."""

    def __init__(self, port, base, cafile):
        self.base = base
        self.buf = b""
        self.frames = []  # (monotonic arrival, event, data)
        ctx = tls_context(cafile)
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock = ctx.wrap_socket(raw, server_hostname="localhost")
        self.sock.sendall(f"GET {base}/live/events HTTP/1.1\r\nHost: localhost\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        line = head.split(b"\r\n", 1)[0].decode(errors="replace")
        self.status = int(line.split()[1]) if len(line.split()) > 1 else 0
        self.head = head.decode(errors="replace")
        self.buf = rest
        self.sock.setblocking(False)

    def fileno(self):
        return self.sock.fileno()

    def pump(self):
        """Reads what is there; False when the server closed the stream."""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                break
            except OSError:
                return False
            if not chunk:
                return False
            self.buf += chunk
        now = time.monotonic()
        while b"\n\n" in self.buf:
            frame, _, self.buf = self.buf.partition(b"\n\n")
            event, data = "message", ""
            for fl in frame.decode(errors="replace").split("\n"):
                if fl.startswith("event: "):
                    event = fl[7:]
                elif fl.startswith("data: "):
                    data = fl[6:]
            if not frame.startswith(b":"):
                self.frames.append((now, event, data))
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class StreamReader(threading.Thread):
    """Reads every open stream, so none backs up; records chat arrivals."""

    def __init__(self, streams):
        super().__init__(daemon=True)
        self.streams = streams
        self.stop = threading.Event()
        self.dropped = 0
        self.arrivals = {}  # chat text -> [arrival times]
        self.lock = threading.Lock()

    def run(self):
        import selectors
        sel = selectors.DefaultSelector()
        for s in self.streams:
            sel.register(s, selectors.EVENT_READ)
        while not self.stop.is_set():
            for key, _ in sel.select(0.05):
                s = key.fileobj
                if not s.pump():
                    sel.unregister(s)
                    self.dropped += 1
                for when, event, data in s.frames:
                    if event == "chat":
                        try:
                            text = json.loads(data).get("text", "")
                        except ValueError:
                            continue
                        with self.lock:
                            self.arrivals.setdefault(text, []).append((s.base, when))
                s.frames.clear()


def live_post(port, base, message, cafile):
    return https_request(port, "POST", f"{base}/live/messages",
                         {"Content-Type": "application/json"}, json.dumps(message),
                         cafile=cafile, timeout=30)


def live_rooms(port, hdrs, cafile, n):
    """A live vacancy and n invitations with one guest each, through the API; the three
    participants' link bases of each room."""
    jh = dict(hdrs, **{"Content-Type": "application/json"})
    status, _, body = https_request(port, "POST", "/api/vacancies", jh, json.dumps(
        {"vacancy": {"title": "Bench live room", "kind": "live", "language": "en",
                     "datetime_start": time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)),
                     "datetime_end": time.strftime("%Y-%m-%d",
                                                   time.gmtime(time.time() + 30 * 86400))}}),
        cafile=cafile)
    if status != 201:
        raise BenchError(f"POST /api/vacancies (live) answered {status}: {body[:300]!r}")
    vacancy_id = json.loads(body)["vacancy"]["id"]
    nonce = f"{int(time.time())}{os.getpid()}"
    rooms = []
    for i in range(n):
        status, _, body = https_request(port, "POST", "/api/invitations", jh, json.dumps(
            {"invitation": {"vacancy_id": vacancy_id, "candidate_name": f"Live Candidate {i}",
                            "candidate_email": f"live-{nonce}-{i}@candidates.example",
                            # in 5 minutes: the lobby (15 minutes before) is open
                            "datetime_scheduled": time.strftime(
                                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300)),
                            "interviewer_name": "Ivan",
                            "interviewer_email": f"ivan-{nonce}-{i}@bench.example"}}),
            cafile=cafile)
        if status != 201:
            raise BenchError(f"POST /api/invitations (live) answered {status}: {body[:300]!r}")
        inv = json.loads(body)["invitation"]
        token = inv["url"].rsplit("/", 1)[1]
        if not inv.get("interviewer_url"):
            rooms.append([f"/public/job_interviews/{token}", None, None])
            continue
        status, _, body = https_request(
            port, "POST", f"/api/invitations/{inv['id']}/guests", jh,
            json.dumps({"guest": {"name": "Gert", "email": f"gert-{nonce}-{i}@bench.example"}}),
            cafile=cafile)
        if status != 201:
            raise BenchError(f"POST guests answered {status}: {body[:300]!r}")
        guest_id = json.loads(body)["guest"]["id"]
        interviewer = "/public/interviewers/" + inv["interviewer_url"].rsplit("/", 1)[1]
        rooms.append([f"/public/job_interviews/{token}", interviewer,
                      f"/public/guests/{guest_token(token, guest_id)}"])
    return rooms


def live_bench(args, port, hdrs, cafile, pid, auth_h, logf, vac_path, alive):
    """The issue's two live rows on the running server. Returns a dict; 'skipped' when
    the server has no signalling routes."""
    out = {}
    first = live_rooms(port, hdrs, cafile, 1)
    probe = EventStream(port, first[0][0], cafile)
    probe.close()
    if probe.status == 404:
        raise LiveSkip(f"GET {first[0][0]}/live/events answered 404: the room's signalling "
                       "routes are not in this build")
    if probe.status != 200:
        raise BenchError(f"GET .../live/events answered {probe.status}: {probe.head[:300]!r}")
    if first[0][1] is None:
        raise LiveSkip("live invitations have no interviewer_url in this build")
    time.sleep(0.5)  # the probe's stream ends (a dropped participant)
    rooms = first + live_rooms(port, hdrs, cafile, LIVE_ROOMS - 1)
    # (a) 300 streams: RSS and threads before and after, then the cached GET with them open.
    out["vacancy_without"] = wrk(args, f"https://127.0.0.1:{port}{vac_path}", [pid], [auth_h],
                                 label="GET vacancy (no streams)", logf=logf, log_path=vac_path)
    alive("GET vacancy (no streams)")
    time.sleep(0.5)
    before = proc_status(pid)
    streams = []
    for room in rooms:
        for base in room:
            s = EventStream(port, base, cafile)
            if s.status != 200:
                raise BenchError(f"GET {base}/live/events answered {s.status}: {s.head[:300]!r}")
            streams.append(s)
    reader = StreamReader(streams)
    reader.start()
    time.sleep(1.0)
    after = proc_status(pid)
    out.update(streams=len(streams), rss_before_kib=before.get("VmRSS"),
               rss_after_kib=after.get("VmRSS"), threads_before=before.get("Threads"),
               threads_after=after.get("Threads"))
    out["rss_growth_kib"] = (after.get("VmRSS") or 0) - (before.get("VmRSS") or 0)
    log(f"{len(streams)} streams open: RSS {fmt_mib(before.get('VmRSS'))} -> "
        f"{fmt_mib(after.get('VmRSS'))}, threads {before.get('Threads')} -> "
        f"{after.get('Threads')}")
    try:
        out["vacancy_with"] = wrk(args, f"https://127.0.0.1:{port}{vac_path}", [pid], [auth_h],
                                  label="GET vacancy (300 streams open)", logf=logf,
                                  log_path=vac_path)
        alive("GET vacancy (300 streams open)")
        # (b) chat messages from one participant to the two others during the API load.
        sent = {}
        stop = threading.Event()

        def talk():
            # One kept-alive connection per participant, as a page has: the
            # latency is the message's, not a TLS handshake's.
            conns = {}
            i = 0
            while not stop.is_set():
                room = rooms[i % len(rooms)]
                text = f"bench {i}"
                sender = room[i % 3]
                # A participant speaks every 15 s, longer than the server keeps an
                # idle connection: as a browser does, a message whose kept-alive
                # connection was closed is sent again on a new one. The latency is
                # the message's, from the send on an open connection (the
                # reconnections are counted apart).
                for attempt in (0, 1):
                    conn = conns.get(sender)
                    if conn is None:
                        conn = conns[sender] = http.client.HTTPSConnection(
                            "localhost", port, context=tls_context(cafile), timeout=30)
                        conn.connect()
                    sent[text] = (sender, time.monotonic())
                    try:
                        conn.request("POST", f"{sender}/live/messages",
                                     body=json.dumps({"type": "chat", "text": text}),
                                     headers={"Content-Type": "application/json"})
                        resp = conn.getresponse()
                        status, body = resp.status, resp.read()
                    except (OSError, http.client.HTTPException) as e:
                        conn.close()
                        del conns[sender]
                        if attempt == 0:
                            out["reconnects"] = out.get("reconnects", 0) + 1
                            continue
                        status, body = None, repr(e).encode()
                    break
                if status != 204:
                    out.setdefault("message_errors", []).append(f"{status} {body[:120]!r}")
                i += 1
                time.sleep(LIVE_MESSAGE_INTERVAL)
            for conn in conns.values():
                conn.close()

        talker = threading.Thread(target=talk, daemon=True)
        talker.start()
        out["vacancy_during_messages"] = wrk(args, f"https://127.0.0.1:{port}{vac_path}", [pid],
                                             [auth_h], label="GET vacancy (with messages)",
                                             logf=logf, log_path=vac_path)
        stop.set()
        talker.join()
        time.sleep(0.5)
        lat = []
        missing = 0
        with reader.lock:
            for text, (sender, t0) in sent.items():
                # The two others (the sender's own stream may echo it: not counted).
                got = [t for base, t in reader.arrivals.get(text, []) if base != sender]
                missing += max(0, 2 - len(got))
                lat += [(t - t0) * 1000 for t in got]
        lat.sort()
        out.update(messages=len(sent), deliveries=len(lat), missing=missing,
                   dropped_streams=reader.dropped)
        if lat:
            out["latency_ms"] = dict(p50=round(lat[len(lat) // 2], 2),
                                     p99=round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
                                     max=round(lat[-1], 2))
        log(f"messages: {out.get('latency_ms')} over {len(lat)} deliveries, missing {missing}")
        final = proc_status(pid)
        out["threads_end"] = final.get("Threads")
    finally:
        reader.stop.set()
        reader.join()
        for s in streams:
            s.close()
    return out
