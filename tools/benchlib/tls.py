"""TLS: what a default client negotiates, and whether wrk's reconnects resume a
session (a relay that reads each ServerHello); the wrk client configuration
that cannot resume."""
import concurrent.futures
import json
import os
import re
import socket
import subprocess
import threading


# wrk's TLS client (OPENSSL_CONF) for the "resumption off" rows: wrk keeps each
# connection's SSL object and offers its last session (a TLS 1.3 PSK) on the
# next connection, so without this it resumes. TLS 1.2 without tickets leaves
# only a session id, which neither server caches (nginx: ssl_session_cache off;
# cammio keeps no session cache); the suite and group are nginx's.
NO_RESUME_CLIENT_CONF = """# Written by tools/bench: wrk's TLS client without resumption.
openssl_conf = bench_openssl
[bench_openssl]
ssl_conf = bench_ssl
[bench_ssl]
system_default = bench_client
[bench_client]
MaxProtocol = TLSv1.2
Options = -SessionTicket
CipherString = ECDHE-ECDSA-AES128-GCM-SHA256
Groups = P-256
"""


def tls_probe(port):
    """What a default OpenSSL client negotiates: protocol, suite, key exchange group."""
    try:
        out = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                              "-servername", "localhost"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=15).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"? ({e})"
    cipher = re.search(r"Cipher is (\S+)", out)
    proto = re.search(r"^\s*Protocol\s*:\s*(\S+)", out, re.M)
    group = re.search(r"Server Temp Key: ([^\n]+)", out)
    return " ".join(x.group(1).strip() for x in (proto, cipher, group) if x) or "?"


def server_flight(buf):
    """(protocol, resumed) told by the first bytes a TLS server sends, or None until
    they tell: TLS 1.3 resumed when the ServerHello carries pre_shared_key (0x0029);
    TLS 1.2 resumed when no Certificate follows the ServerHello (an abbreviated
    handshake: NewSessionTicket or ChangeCipherSpec next)."""
    hs, i, other = b"", 0, None
    while i + 5 <= len(buf):
        typ, ln = buf[i], int.from_bytes(buf[i + 3:i + 5], "big")
        if typ != 22:
            other = typ
            break
        hs += buf[i + 5:i + 5 + ln]
        if i + 5 + ln > len(buf):
            break
        i += 5 + ln
    if len(hs) < 4:
        return ("?", False) if other is not None else None
    if hs[0] != 2:
        return ("?", False)
    n = int.from_bytes(hs[1:4], "big")
    if len(hs) < 4 + n:
        return None
    body = hs[4:4 + n]
    p = 34
    p += 1 + body[p] + 3  # session id, cipher suite, compression
    exts = {}
    if p + 2 <= len(body):
        end = p + 2 + int.from_bytes(body[p:p + 2], "big")
        p += 2
        while p + 4 <= end:
            et, el = int.from_bytes(body[p:p + 2], "big"), int.from_bytes(body[p + 2:p + 4], "big")
            exts[et] = body[p + 4:p + 4 + el]
            p += 4 + el
    if exts.get(0x2B) == b"\x03\x04":
        return "TLSv1.3", 0x29 in exts
    rest = hs[4 + n:]
    if rest:
        return "TLSv1.2", rest[0] != 11
    return ("TLSv1.2", other == 20) if other is not None else None


def wrk_resumption(port, path, headers, client_conf=None, seconds=1):
    """How many of wrk's `Connection: close` handshakes with the server at `port`
    resumed a session: wrk (one connection, `seconds`) through a relay that reads
    each ServerHello (server_flight). Returns {full, resumed, unknown, protocols}."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    ls.settimeout(0.2)
    counts = dict(full=0, resumed=0, unknown=0, protocols={})
    lock = threading.Lock()
    stop = threading.Event()

    def close(*socks):
        for x in socks:
            try:  # shutdown wakes the other direction's thread blocked in recv
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            x.close()

    def upstream(c, u):
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                u.sendall(d)
        except OSError:
            pass
        close(c, u)

    def relay(c):
        try:
            u = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            close(c)
            return
        threading.Thread(target=upstream, args=(c, u), daemon=True).start()
        buf, told = b"", None
        try:
            while True:
                d = u.recv(65536)
                if not d:
                    break
                if told is None:
                    buf += d
                    told = server_flight(buf)
                c.sendall(d)
        except OSError:
            pass
        close(c, u)
        with lock:
            if told is None or told[0] == "?":
                counts["unknown"] += 1
            else:
                counts["resumed" if told[1] else "full"] += 1
                counts["protocols"][told[0]] = counts["protocols"].get(told[0], 0) + 1

    def accept():
        while not stop.is_set():
            try:
                c, _ = ls.accept()
            except (socket.timeout, OSError):
                continue
            r = threading.Thread(target=relay, args=(c,), daemon=True)
            r.start()
            relays.append(r)

    relays = []
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    env = dict(os.environ, OPENSSL_CONF=client_conf) if client_conf else None
    cmd = ["wrk", "-t1", "-c1", f"-d{seconds}s", "-H", "Connection: close"]
    for h in headers:
        cmd += ["-H", h]
    try:
        subprocess.run(cmd + [f"https://127.0.0.1:{ls.getsockname()[1]}{path}"],
                       capture_output=True, text=True, env=env, timeout=seconds + 30)
    finally:
        stop.set()
        t.join()
        ls.close()
    for r in relays:  # each counts its connection when both ends have closed
        r.join(timeout=15)
    with lock:
        return json.loads(json.dumps(counts))


def resumption_probes(probes):
    """wrk_resumption for each {name: (port, path, headers, client_conf)}, at once."""
    with concurrent.futures.ThreadPoolExecutor(len(probes)) as pool:
        futures = {k: pool.submit(wrk_resumption, *v) for k, v in probes.items()}
    return {k: f.result() for k, f in futures.items()}
