"""nginx: the static TLS baseline serving the same bytes with the same
certificate, with and without session resumption."""
import os
import shutil
import signal
import ssl
import time

from .client import https_request
from .common import BenchError
from .procs import PROCS


NGINX_CONF = """# Written by tools/bench: static TLS baseline, same certificate as cammio.
worker_processes {workers};
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type application/json;
  types {{ application/json json; }}
  client_body_temp_path {dir}/tmp/body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  keepalive_requests 100000;
  ssl_certificate {cert};
  ssl_certificate_key {key};
  ssl_protocols TLSv1.2;
  ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256;
  ssl_ecdh_curve prime256v1;
  root {dir}/www;
  # Resumption on: TLS 1.2 session tickets (nginx's default) and a session cache.
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_session_tickets on;
    ssl_session_cache shared:bench:1m;
  }}
  # Resumption off: every connection is a full handshake.
  server {{
    listen 127.0.0.1:{port_noresume} ssl;
    ssl_session_tickets off;
    ssl_session_cache off;
  }}
}}
"""


def start_nginx(workdir, port, port_noresume, rundir, files, workers):
    """nginx serving `files` {name: bytes} on `port` (resumption on) and
    `port_noresume` (resumption off)."""
    ndir = os.path.join(workdir, "nginx")
    shutil.rmtree(ndir, ignore_errors=True)
    os.makedirs(os.path.join(ndir, "www"))
    os.makedirs(os.path.join(ndir, "tmp"))
    for d in (workdir, ndir, os.path.join(ndir, "www")):
        os.chmod(d, 0o755)  # workers run as nobody and must reach the file
    for name, body in files.items():
        path = os.path.join(ndir, "www", name)
        with open(path, "wb") as f:
            f.write(body)
        os.chmod(path, 0o644)
    conf = os.path.join(ndir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(workers=workers, dir=ndir, port=port,
                                  port_noresume=port_noresume,
                                  cert=os.path.join(rundir, "tls", "cert.pem"),
                                  key=os.path.join(rundir, "tls", "key.pem")))
    nginx = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin")
    logf = open(os.path.join(ndir, "stderr.log"), "w")
    p = PROCS.start("nginx", [nginx, "-p", ndir, "-c", conf, "-e", os.path.join(ndir, "error.log")],
                    stop_signal=signal.SIGTERM, group=True, stdout=logf, stderr=logf)
    deadline = time.monotonic() + 15
    for prt in (port, port_noresume):
        for name, body in files.items():
            while True:
                if p.poll() is not None:
                    raise BenchError(f"nginx exited with {p.returncode}; see {ndir}/error.log")
                try:
                    status, _, data = https_request(prt, "GET", "/" + name, timeout=5)
                    if status == 200 and data == body:
                        break
                    raise BenchError(f"nginx answered {status} with {len(data)} bytes for {name}")
                except (ConnectionRefusedError, ssl.SSLError, OSError):
                    if time.monotonic() > deadline:
                        raise BenchError(f"nginx did not answer; see {ndir}/error.log")
                    time.sleep(0.05)
    return p, conf
