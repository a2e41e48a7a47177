"""Steps before the measurements: tools and build, the data set (generated once,
cached as a template, upgraded to a newer schema, copied for every run), the
binary's size, and server starts timed to the first TLS response."""
import hashlib
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time

from .client import tls_context
from .common import DEMO_EMAIL, GEN_DATA, ROOT, BenchError, log
from .procs import PROCS, free_port, run


def ensure_tools(args):
    if not args.skip_deps:
        run([os.path.join(ROOT, "tools", "install-deps")], stdout=sys.stderr)
    missing = [pkg for tool, pkg in (("wrk", "wrk"), ("nginx", "nginx"), ("curl", "curl"),
                                     ("strip", "binutils"))
               if shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin") is None]
    if missing:
        if os.geteuid() != 0:
            raise BenchError(f"missing {' '.join(missing)}; run as root (or apt-get install them)")
        log(f"installing {' '.join(missing)} with apt-get")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                           *missing], env=env, stdout=sys.stderr).returncode != 0:
            run(["apt-get", "update", "-qq"], env=env, stdout=sys.stderr)
            run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                env=env, stdout=sys.stderr)


def build(args):
    bdir = os.path.join(ROOT, args.build_dir)
    if args.skip_build:
        log(f"--skip-build: using {bdir}/cammio as it is")
    else:
        if not os.path.exists(os.path.join(bdir, "CMakeCache.txt")):
            run(["cmake", "-S", ROOT, "-B", bdir, "-DCMAKE_BUILD_TYPE=Release"], stdout=sys.stderr)
        build_cmd = ["cmake", "--build", bdir, f"-j{os.cpu_count() or 2}", "--target", "cammio"]
        try:
            run(build_cmd, stdout=sys.stderr)
        except BenchError:
            # Sources edited while make ran can leave a half-updated tree; one
            # more pass rebuilds what changed. A real error fails twice.
            log("build failed; trying once more")
            time.sleep(5)
            run(build_cmd, stdout=sys.stderr)
    binary = os.path.join(bdir, "cammio")
    if not os.access(binary, os.X_OK):
        raise BenchError(f"no binary at {binary}")
    return binary


def data_key(args, schema=True):
    """The data set's identity: generator, scale, seed, from-days, and (unless
    schema=False) the schema files it was made or upgraded for."""
    h = hashlib.sha256()
    with open(GEN_DATA, "rb") as f:
        h.update(f.read())
    if schema:
        sdir = os.path.join(ROOT, "schema")
        for name in sorted(os.listdir(sdir)):
            with open(os.path.join(sdir, name), "rb") as f:
                h.update(name.encode() + b"\0" + f.read())
    h.update(f"{args.scale}|{args.seed}|{args.from_days}".encode())
    return h.hexdigest()


def upgrade_template(template, binary, key):
    """A cached data set made by the same generator for an older schema is
    brought to this binary's schema by its own migrations (as a customer's
    database is at an upgrade) instead of being made again (~10 min at scale
    1). The pre-migration backup the CLI takes is dropped from the template."""
    gen_file = os.path.join(template, "bench-gen-key")
    if not os.path.exists(gen_file) or open(gen_file).read().strip() != key:
        return False
    log(f"upgrading the cached data set in {template} to this schema (the binary's migrations)")
    t0 = time.monotonic()
    run([binary, "account", "list", "--data", template], stdout=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(template, "backups"), ignore_errors=True)
    log(f"upgraded in {time.monotonic() - t0:.1f} s")
    return True


def wait_listening(logfile, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"server exited with {proc.returncode}; see {logfile}")
        with open(logfile, errors="replace") as f:
            m = re.search(r"listening on https://127\.0\.0\.1:(\d+)", f.read())
        if m:
            return int(m.group(1))
        time.sleep(0.01)
    raise BenchError(f"server did not start in {timeout}s; see {logfile}")


def prepare_data(args, binary):
    """A template data set (cached by generator/schema/scale) copied to a fresh run dir."""
    base = os.path.join(ROOT, "build", "bench")
    os.makedirs(base, exist_ok=True)
    template = os.path.join(base, f"template-{args.mode}")
    key = data_key(args)
    key_file = os.path.join(template, "bench-key")
    cached = (os.path.exists(key_file) and open(key_file).read().strip() == key
              and not args.regen)
    if not cached and not args.regen and upgrade_template(template, binary, data_key(args, False)):
        with open(key_file, "w") as f:
            f.write(key + "\n")
        cached = True
    if not cached:
        tmp = template + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        log(f"generating the data set (scale {args.scale:g}) in {tmp}")
        # The demo account without `cammio demo`'s story: gen-data fills it.
        acct = json.loads(subprocess.run(
            [binary, "account", "create", "--name", "Demo Recruitment Agency", "--data", tmp],
            check=True, capture_output=True, text=True).stdout)
        run([binary, "user", "create", "--account", str(acct["id"]), "--email", DEMO_EMAIL,
             "--name", "Demo Recruiter", "--data", tmp], stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        run([sys.executable, GEN_DATA, "--data", tmp, "--scale", str(args.scale),
             "--seed", str(args.seed), "--from-days", str(args.from_days)])
        gen_seconds = time.monotonic() - t0
        # First start generates DATA/tls/{cert,key}.pem; keep them in the template.
        logf = os.path.join(base, f"template-{args.mode}-serve.log")
        with open(logf, "w") as lf:
            p = PROCS.start("cammio (certificate)", [binary, "serve", "--data", tmp, "--listen",
                                                     "127.0.0.1:0"], stdout=lf, stderr=lf)
        wait_listening(logf, p)
        PROCS.stop(p)
        with open(os.path.join(tmp, "bench-meta.json")) as f:
            meta = json.load(f)
        meta["generate_seconds_wall"] = round(gen_seconds, 1)
        with open(os.path.join(tmp, "bench-meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
        with open(os.path.join(tmp, "bench-key"), "w") as f:
            f.write(key + "\n")
        with open(os.path.join(tmp, "bench-gen-key"), "w") as f:
            f.write(data_key(args, False) + "\n")
        shutil.rmtree(template, ignore_errors=True)
        os.rename(tmp, template)
    else:
        log(f"reusing the data set in {template} (--regen to make it again)")
    rundir = os.path.join(base, f"run-{args.mode}")
    shutil.rmtree(rundir, ignore_errors=True)
    t0 = time.monotonic()
    run(["cp", "-a", "--reflink=auto", template, rundir])
    log(f"copied the data set in {time.monotonic() - t0:.1f}s")
    # The copy (and a freshly generated template) sits in the page cache as
    # dirty pages: 1.5 GB at scale 1. Written back while the first rows run,
    # it took their disk and CPU (a run right after a regeneration measured
    # 25-60 % more server CPU per request in its first rows, nginx's too,
    # and the same as other runs in its later ones). Written back now.
    t0 = time.monotonic()
    os.sync()
    log(f"wrote the page cache back to disk in {time.monotonic() - t0:.1f}s")
    with open(os.path.join(rundir, "bench-meta.json")) as f:
        meta = json.load(f)
    out = subprocess.run([binary, "token", "create", "--email", DEMO_EMAIL, "--data", rundir],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r'"access_token":"(cmo_\w+)"', out)
    if not m:
        raise BenchError("`cammio token create` printed no access token:\n" + out)
    return rundir, meta, m.group(1), not cached


def binary_sizes(binary, workdir):
    stripped = os.path.join(workdir, "cammio.stripped")
    subprocess.run(["strip", "--strip-all", "-o", stripped, binary], check=True)
    size = os.path.getsize(stripped)
    os.unlink(stripped)
    return os.path.getsize(binary), size


def cold_start(binary, rundir, logf, cafile, runs, keep_last, env=None):
    """Process start -> first TLS response (GET /healthz, certificate verified).
    `env`: extra environment variables for the server (CAMMIO_* settings)."""
    times = []
    proc = None
    port = None
    for i in range(runs):
        port = free_port()
        with open(logf, "a") as lf:
            t0 = time.perf_counter()
            proc = PROCS.start("cammio", [binary, "serve", "--data", rundir, "--listen",
                                          f"127.0.0.1:{port}"], stdout=lf, stderr=lf,
                               env=dict(os.environ, **(env or {})))
        ctx = tls_context(cafile)
        deadline = t0 + 30
        while True:
            if proc.poll() is not None:
                raise BenchError(f"server exited with {proc.returncode} at start; see {logf}")
            if time.perf_counter() > deadline:
                raise BenchError(f"server did not answer in 30 s; see {logf}")
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
            except ConnectionRefusedError:
                time.sleep(0.0005)
                continue
            try:
                with ctx.wrap_socket(s, server_hostname="localhost") as ts:
                    ts.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n"
                               b"Connection: close\r\n\r\n")
                    first = ts.recv(64)
            except (ssl.SSLError, ConnectionError, socket.timeout) as e:
                log(f"cold start: {e}; retrying")
                time.sleep(0.001)
                continue
            t1 = time.perf_counter()
            if not first.startswith(b"HTTP/1.1 200"):
                raise BenchError(f"/healthz answered {first!r}")
            break
        times.append((t1 - t0) * 1000)
        if i < runs - 1 or not keep_last:
            code = PROCS.stop(proc)
            if code != 0:
                raise BenchError(f"server exited with {code} on SIGTERM; see {logf}")
    return times, proc, port
