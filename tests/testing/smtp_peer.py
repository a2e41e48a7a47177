#!/usr/bin/python3
"""A real SMTP server for cammio's mail tests: aiosmtpd (Debian package
python3-aiosmtpd) on 127.0.0.1, started and stopped by tests/testing/smtp_peer.h.

It binds an ephemeral port and writes it to DIR/port. Each accepted message is
written to DIR/msg-NNNN.eml (the bytes received, dot-unstuffed) and, parsed
with Python's email package, summarised in DIR/msg-NNNN.json. Files appear
atomically (written, then renamed).

Modes:
  --starttls CERT KEY     offer STARTTLS (and require it before MAIL)
  --implicit-tls CERT KEY TLS from the first byte
  --auth USER:PASSWORD    require AUTH (PLAIN or LOGIN) with these credentials
  --tempfail N            answer the first N DATA commands "451 4.3.0 try again"
  --reject TEXT           answer RCPT TO "550 5.1.1" for addresses containing TEXT
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    sys.stderr.write("smtp_peer: python3-aiosmtpd is missing (tools/install-deps installs it)\n")
    sys.exit(3)


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


def summarise(raw, server, session, envelope):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [type(d).__name__ for d in msg.defects]
    parts = []
    if msg.is_multipart():
        # The leaf parts, depth first: a multipart/mixed (a live interview's
        # calendar) nests the multipart/alternative.
        for part in msg.walk():
            if part.is_multipart():
                defects += [type(d).__name__ for d in part.defects]
                continue
            defects += [type(d).__name__ for d in part.defects]
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "method": part.get_param("method"),
                "filename": part.get_filename(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                # As a mail reader shows it: line breaks as "\n".
                "content": part.get_content().replace("\r\n", "\n"),
            })
    lines = raw.split(b"\r\n")

    def display_name(header):
        h = msg[header]
        if h is None or not h.addresses:
            return None
        return h.addresses[0].display_name

    def address(header):
        h = msg[header]
        if h is None or not h.addresses:
            return None
        return h.addresses[0].addr_spec

    raw_headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    return {
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "tls": (session.ssl is not None
                or server.transport.get_extra_info("ssl_object") is not None),
        "authenticated": bool(session.authenticated),
        "login": (session.auth_data.login.decode("utf-8", "replace")
                  if isinstance(session.auth_data, LoginPassword) else None),
        "subject": str(msg["subject"]) if msg["subject"] is not None else None,
        "from_name": display_name("from"),
        "from_address": address("from"),
        "to_name": display_name("to"),
        "to_address": address("to"),
        "reply_to": address("reply-to"),
        "date": msg["date"] and str(msg["date"]),
        "date_parses": msg["date"] is not None and msg["date"].datetime is not None,
        "message_id": msg["message-id"] and str(msg["message-id"]),
        "mime_version": msg["mime-version"] and str(msg["mime-version"]),
        "content_type": msg.get_content_type(),
        "parts": parts,
        "defects": defects,
        "raw_headers": raw_headers,
        "max_line_length": max(len(line) for line in lines),
        "bare_line_feed": b"\n" in raw.replace(b"\r\n", b""),
        "bare_carriage_return": b"\r" in raw.replace(b"\r\n", b""),
        "eight_bit": any(b > 127 for b in raw),
        "ends_with_crlf": raw.endswith(b"\r\n"),
    }


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0
        self.tempfails_left = args.tempfail

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.reject and self.args.reject in address:
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfails_left > 0:
            self.tempfails_left -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        name = os.path.join(self.args.dir, "msg-%04d" % self.count)
        raw = bytes(envelope.original_content)
        write_atomically(name + ".eml", raw)
        try:
            summary = summarise(raw, server, session, envelope)
        except Exception as e:  # a message Python cannot even parse
            summary = {"parse_error": repr(e)}
        write_atomically(name + ".json", json.dumps(summary).encode("utf-8"))
        return "250 2.0.0 OK queued as %d" % self.count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    p.add_argument("--tempfail", type=int, default=0)
    p.add_argument("--reject")
    args = p.parse_args()

    def context(pair):
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(pair[0], pair[1])
        return ctx

    starttls_ctx = context(args.starttls) if args.starttls else None
    implicit_ctx = context(args.implicit_tls) if args.implicit_tls else None

    authenticator = None
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            if ok:
                return AuthResult(success=True, auth_data=auth_data)
            # handled=False: aiosmtpd answers "535 5.7.8" itself.
            return AuthResult(success=False, handled=False)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(args)

    def factory():
        return SMTP(handler,
                    hostname="peer.test",
                    tls_context=starttls_ctx,
                    require_starttls=starttls_ctx is not None,
                    authenticator=authenticator,
                    auth_required=authenticator is not None,
                    # Implicit TLS is TLS too, though aiosmtpd cannot tell.
                    auth_require_tls=implicit_ctx is None,
                    loop=loop)

    server = loop.run_until_complete(
        loop.create_server(factory, host="127.0.0.1", port=0, ssl=implicit_ctx))
    port = server.sockets[0].getsockname()[1]
    write_atomically(os.path.join(args.dir, "port"), str(port).encode())
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
