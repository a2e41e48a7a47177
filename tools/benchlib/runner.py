"""The run: environment, build and data, then every measurement in order on the
started servers, collected into `results`; the checks that make a run fail;
the table printed and the JSON written."""
import base64
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import time

from .client import (https_request, invitation_count, make_vacancies, sample_ids,
                     single_client)
from .common import DEMO_EMAIL, MIX_INVITATIONS, MIX_KINDS, MiB, ROOT, WRK_ROWS, BenchError, log
from .data import binary_sizes, build, cold_start, ensure_tools, prepare_data
from .live import LiveSkip, live_bench
from .nginx import start_nginx
from .procs import PROCS, children_of, free_port, fsync_probe, proc_status, rss_kib
from .render import fmt_mib, render
from .tls import NO_RESUME_CLIENT_CONF, resumption_probes, tls_probe
from .transfers import stream_list, upload, upload_file
from .wrk import MIX_LUA, POST_LUA, SPREAD_LUA, access_log, wrk


def bench(args, results):
    t_start = time.monotonic()
    env = results["environment"] = dict(
        cores=os.cpu_count(), kernel=platform.release(), loadavg_start=os.getloadavg()[0],
        commit=subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip(),
        src_dirty=bool(subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src",
                                       "schema", "include", "CMakeLists.txt"],
                                      capture_output=True, text=True).stdout.strip()))
    ensure_tools(args)
    env["wrk"] = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    nginx_bin = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin")
    env["nginx"] = subprocess.run([nginx_bin, "-v"], capture_output=True,
                                  text=True).stderr.strip().replace("nginx version: ", "")
    binary = build(args)
    rundir, meta, token, generated = prepare_data(args, binary)
    results["data"] = dict(meta, generated_now=generated, data_dir=rundir)
    workdir = os.path.join(ROOT, "build", "bench")
    auth = "Basic " + base64.b64encode(f"{DEMO_EMAIL}:{token}".encode()).decode()
    hdrs = {"Authorization": auth}
    cafile = os.path.join(rundir, "tls", "cert.pem")
    demo = meta["demo"]

    env["fdatasync"] = fsync_probe(rundir)
    log(f"fdatasync on the data disk: {env['fdatasync']}")
    size, stripped = binary_sizes(binary, workdir)
    results["binary"] = dict(path=binary, bytes=size, stripped_bytes=stripped)

    # Cold starts; the last server stays up for the rest.
    logf = os.path.join(workdir, f"serve-{args.mode}.log")
    open(logf, "w").close()
    times, server, port = cold_start(binary, rundir, logf, cafile, args.cold_starts, True)
    results["cold_start_ms"] = dict(runs=[round(t, 1) for t in times],
                                    median=round(statistics.median(times), 1),
                                    max=round(max(times), 1))
    log(f"cold start: {results['cold_start_ms']}")
    time.sleep(0.3 if args.smoke else 1.0)
    idle = proc_status(server.pid)
    results["idle"] = dict(rss_kib=idle.get("VmRSS"), hwm_kib=idle.get("VmHWM"),
                           threads=idle.get("Threads"))
    log(f"idle: {results['idle']}")

    def alive(phase):
        if server.poll() is not None:
            raise BenchError(f"the server exited with {server.returncode} during {phase}; "
                             f"see {logf}")

    # Check each request once before loading it.
    vac_path = f"/api/vacancies/{demo['bench_vacancy_id']}"
    status, _, vac_body = https_request(port, "GET", vac_path, hdrs, cafile=cafile)
    alive("GET " + vac_path)
    if status != 200:
        raise BenchError(f"GET {vac_path} answered {status}: {vac_body[:300]!r}")
    vac = json.loads(vac_body)["vacancy"]
    page_path = f"/api/interviews?from={meta['interviews_from']}&limit=50"
    status, page_headers, page_body = https_request(port, "GET", page_path, hdrs, cafile=cafile)
    alive("GET " + page_path)
    if status != 200:
        raise BenchError(f"GET {page_path} answered {status}: {page_body[:300]!r}")
    page_total = int(page_headers.get("X-Total-Count", "0"))
    nonce = f"{int(time.time())}{os.getpid()}"
    post_body = json.dumps({"invitation": {
        "vacancy_id": demo["post_vacancy_id"], "candidate_email": f"check-{nonce}@candidates.example",
        "candidate_name": "Check Candidate"}})
    status, _, body = https_request(port, "POST", "/api/invitations",
                                    dict(hdrs, **{"Content-Type": "application/json"}),
                                    post_body, cafile=cafile)
    alive("POST /api/invitations")
    if status != 201:
        raise BenchError(f"POST /api/invitations answered {status}: {body[:300]!r}")
    link_token = json.loads(body)["invitation"]["url"].rsplit("/", 1)[1]
    results["requests"] = dict(
        vacancy=dict(path=vac_path, bytes=len(vac_body), invitations=len(vac["invitations"]),
                     interviews=len(vac["interviews"])),
        page=dict(path=page_path, bytes=len(page_body), total=page_total),
        post=dict(path="/api/invitations", vacancy_id=demo["post_vacancy_id"]))

    n = 5 if args.smoke else 7
    results["single_client"] = dict(
        vacancy=single_client(port, vac_path, hdrs, cafile, n),
        page=single_client(port, page_path, hdrs, cafile, n))
    log(f"one client, no load: {results['single_client']}")

    # Issue 17's data, made through the API as an ATS would: the mixed load's
    # vacancies with 10 open invitations each, and a small vacancy (3 invitations,
    # ~2 KiB) for the small-answer and reconnect rows.
    log(f"making {args.mix_vacancies} vacancies with {MIX_INVITATIONS} invitations each "
        "through the API")
    mix_ids, mix_seconds = make_vacancies(port, hdrs, cafile, args.mix_vacancies,
                                          MIX_INVITATIONS, nonce, "Bench mix")
    alive("making the mixed load's vacancies")
    log(f"made them in {mix_seconds} s")
    small_ids, _ = make_vacancies(port, hdrs, cafile, 1, 3, nonce, "Bench small", parallel=1)
    small_path = f"/api/vacancies/{small_ids[0]}"
    status, _, small_body = https_request(port, "GET", small_path, hdrs, cafile=cafile)
    status2, _, again = https_request(port, "GET", small_path, hdrs, cafile=cafile)
    alive("GET " + small_path)
    if status != 200 or status2 != 200 or again != small_body:
        raise BenchError(f"GET {small_path} answered {status} then {status2} "
                         f"({'same' if again == small_body else 'different'} bytes): "
                         f"{small_body[:300]!r}")
    want = 50 if args.smoke else 1000
    inv_ids, inv_total = sample_ids(port, hdrs, cafile, "invitations", want)
    iv_ids, iv_total = sample_ids(port, hdrs, cafile, "interviews", want)
    if not inv_ids or not iv_ids:
        raise BenchError(f"no ids to GET: {len(inv_ids)} invitations, {len(iv_ids)} interviews")
    mix_before = invitation_count(port, hdrs, cafile, mix_ids)
    alive("counting the mixed load's invitations")
    if mix_before != args.mix_vacancies * MIX_INVITATIONS:
        raise BenchError(f"the {args.mix_vacancies} vacancies made have {mix_before} "
                         f"invitations, not {args.mix_vacancies * MIX_INVITATIONS}")
    def mix_vacancy_bytes():  # the first mix vacancy's answer, in bytes
        return len(https_request(port, "GET", f"/api/vacancies/{mix_ids[0]}", hdrs,
                                 cafile=cafile)[2])

    results["requests"].update(
        mix=dict(vacancies=args.mix_vacancies, invitations_each=MIX_INVITATIONS,
                 made_seconds=mix_seconds, made_by_clients=8, first_id=mix_ids[0],
                 last_id=mix_ids[-1], invitations_before=mix_before,
                 vacancy_bytes=mix_vacancy_bytes()),
        small=dict(path=small_path, bytes=len(small_body), invitations=3),
        invitation=dict(path="/api/invitations/:id", ids=len(inv_ids), of=inv_total,
                        first=inv_ids[0], last=inv_ids[-1]),
        interview=dict(path="/api/interviews/:id", ids=len(iv_ids), of=iv_total,
                       first=iv_ids[0], last=iv_ids[-1]))

    # nginx with the same bytes: the vacancy (the baseline) and the small vacancy;
    # on a second port without resumption.
    nport, nport_off = free_port(), free_port()
    nginx, nconf = start_nginx(workdir, nport, nport_off, rundir,
                               {"vacancy.json": vac_body, "small.json": small_body},
                               args.nginx_workers)
    npids = [nginx.pid] + children_of(nginx.pid)
    env["nginx_workers"] = f"{args.nginx_workers} ({len(npids) - 1} worker processes)"
    lua = os.path.join(workdir, "post_invitation.lua")
    with open(lua, "w") as f:
        f.write(POST_LUA)
    mix_lua = os.path.join(workdir, "mixed.lua")
    with open(mix_lua, "w") as f:
        f.write(MIX_LUA)
    spread_lua = os.path.join(workdir, "spread.lua")
    with open(spread_lua, "w") as f:
        f.write(SPREAD_LUA)

    phases = results["phases"] = {}
    auth_h = f"Authorization: {auth}"
    close_h = "Connection: close"
    results["single_client"]["nginx"] = single_client(nport, "/vacancy.json", hdrs, None, n)
    env["tls_negotiated"] = dict(cammio=tls_probe(port), nginx=tls_probe(nport))
    log(f"TLS negotiated: {env['tls_negotiated']}")
    # Resumption: how many of wrk's reconnects resume, with the client each
    # reconnect row uses (counted from the ServerHellos through a relay).
    client_conf = os.path.join(workdir, "openssl-no-resumption.cnf")
    with open(client_conf, "w") as f:
        f.write(NO_RESUME_CLIENT_CONF)
    probes = dict(cammio_on=(port, small_path, [auth_h], None),
                  nginx_on=(nport, "/small.json", [], None),
                  nginx_off=(nport_off, "/small.json", [], client_conf))
    if not args.no_resumption_env:  # else probed on the server restarted with it
        probes["cammio_off"] = (port, small_path, [auth_h], client_conf)
    tls = results["tls_resumption"] = resumption_probes(probes)
    log(f"TLS resumption (wrk through a relay): {tls}")
    phases["nginx"] = wrk(args, f"https://127.0.0.1:{nport}/vacancy.json", npids, [auth_h],
                          label="nginx")
    phases["nginx_small"] = wrk(args, f"https://127.0.0.1:{nport}/small.json", npids, [auth_h],
                                label="nginx small")
    phases["nginx_reconnect"] = wrk(args, f"https://127.0.0.1:{nport}/small.json", npids,
                                    [auth_h, close_h], label="nginx reconnects (resumption on)")
    phases["nginx_reconnect_off"] = wrk(args, f"https://127.0.0.1:{nport_off}/small.json", npids,
                                        [auth_h, close_h], client_conf=client_conf,
                                        label="nginx reconnects (resumption off)")
    PROCS.stop(nginx)
    phases["vacancy"] = wrk(args, f"https://127.0.0.1:{port}{vac_path}", [server.pid], [auth_h],
                            label="GET vacancy", logf=logf, log_path=vac_path)
    alive("GET vacancy")
    phases["page"] = wrk(args, f"https://127.0.0.1:{port}{page_path}", [server.pid], [auth_h],
                         label="GET interviews page", logf=logf, log_path="/api/interviews")
    alive("GET interviews page")
    phases["post"] = wrk(args, f"https://127.0.0.1:{port}/api/invitations", [server.pid],
                         script=lua, script_args=[str(demo["post_vacancy_id"]), nonce, auth],
                         label="POST invitations", logf=logf, method="POST",
                         log_path="/api/invitations")
    alive("POST invitations")
    phases["small"] = wrk(args, f"https://127.0.0.1:{port}{small_path}", [server.pid], [auth_h],
                          label="GET small vacancy", logf=logf, log_path=small_path)
    alive("GET small vacancy")
    # The mixed ATS load; the POSTs it made (warm-up included) must all be there.
    mix_offset = os.path.getsize(logf)
    mix = phases["mix"] = wrk(
        args, f"https://127.0.0.1:{port}/", [server.pid], [auth_h], script=mix_lua,
        script_args=[str(args.seed), nonce, ",".join(map(str, mix_ids))],
        label="mixed ATS load", logf=logf, log_kinds=MIX_KINDS)
    alive("mixed ATS load")
    m = re.search(r"MIX sent vacancy (\d+) list (\d+) post (\d+)", mix["wrk_output"])
    mix["sent"] = dict(zip(("vacancy", "list", "post"), map(int, m.groups()))) if m else None
    mix["invitations_after"] = invitation_count(port, hdrs, cafile, mix_ids)
    mix["created"] = mix["invitations_after"] - mix_before
    # Every POST adds an invitation to a vacancy's embedded list: the answers
    # the GETs read grow during the run (shown beside the size at the start).
    mix["vacancy_bytes_after"] = mix_vacancy_bytes()
    posted = access_log(logf, mix_offset, "POST", "/api/invitations")
    mix["posts_201"] = posted.get("statuses", {}).get("201", 0)
    log(f"mixed: sent {mix['sent']}, answered {({k: v.get('statuses') for k, v in mix['server_kinds'].items()})}, "
        f"{mix['created']} invitations created, {mix['posts_201']} POSTs answered 201 "
        "(warm-up included)")
    # Reconnects: a new TLS connection for every GET of the small vacancy.
    phases["reconnect"] = wrk(args, f"https://127.0.0.1:{port}{small_path}", [server.pid],
                              [auth_h, close_h], label="reconnects (resumption on)", logf=logf,
                              log_path=small_path)
    alive("reconnects (resumption on)")
    if not args.no_resumption_env:
        phases["reconnect_off"] = wrk(args, f"https://127.0.0.1:{port}{small_path}",
                                      [server.pid], [auth_h, close_h], client_conf=client_conf,
                                      label="reconnects (resumption off)", logf=logf,
                                      log_path=small_path)
        alive("reconnects (resumption off)")
    # Live rooms (issue 16): 300 signalling streams and message latency, on
    # live invitations made through the API; skipped without the routes.
    try:
        results["live"] = live_bench(args, port, hdrs, cafile, server.pid, auth_h, logf,
                                     vac_path, alive)
    except LiveSkip as e:
        log(f"live rows SKIPPED: {e}")
        results["live"] = dict(skipped=str(e))
    time.sleep(0.3 if args.smoke else 1.0)
    after = proc_status(server.pid)
    results["idle_after_load"] = dict(rss_kib=after.get("VmRSS"), threads=after.get("Threads"))
    code = PROCS.stop(server)
    if code != 0:
        results["errors"].append(f"server exited with {code} on SIGTERM before the uncached run")
    if args.no_resumption_env:
        # The server's own switch: a default client (TLS 1.3, offering its last
        # session) against a server that does not resume.
        name, _, value = args.no_resumption_env.partition("=")
        _, server, port = cold_start(binary, rundir, logf, cafile, 1, True, env={name: value})
        tls.update(resumption_probes(dict(cammio_off=(port, small_path, [auth_h], None))))
        log(f"TLS resumption with {args.no_resumption_env}: {tls['cammio_off']}")
        phases["reconnect_off"] = wrk(args, f"https://127.0.0.1:{port}{small_path}",
                                      [server.pid], [auth_h, close_h],
                                      label=f"reconnects ({args.no_resumption_env})", logf=logf,
                                      log_path=small_path)
        alive(f"reconnects ({args.no_resumption_env})")
        code = PROCS.stop(server)
        if code != 0:
            results["errors"].append(f"server exited with {code} on SIGTERM after the "
                                     "reconnects")
    # The GETs with the response cache off (README "Response cache"): what every
    # request costs when no earlier answer can be reused, e.g. an ATS whose every
    # request differs, or one that follows each write.
    _, server, port = cold_start(binary, rundir, logf, cafile, 1, True,
                                 env={"CAMMIO_RESPONSE_CACHE_KIB": "0"})
    phases["vacancy_uncached"] = wrk(args, f"https://127.0.0.1:{port}{vac_path}", [server.pid],
                                     [auth_h], label="GET vacancy (cache off)", logf=logf,
                                     log_path=vac_path)
    alive("GET vacancy (cache off)")
    phases["page_uncached"] = wrk(args, f"https://127.0.0.1:{port}{page_path}", [server.pid],
                                  [auth_h], label="GET interviews page (cache off)", logf=logf,
                                  log_path="/api/interviews")
    alive("GET interviews page (cache off)")
    for name, coll, ids in (("invitation_uncached", "invitations", inv_ids),
                            ("interview_uncached", "interviews", iv_ids)):
        phases[name] = wrk(args, f"https://127.0.0.1:{port}/", [server.pid], [auth_h],
                           script=spread_lua,
                           script_args=[str(args.seed), f"/api/{coll}/", ",".join(map(str, ids))],
                           label=f"GET {coll}/:id (cache off)", logf=logf,
                           log_path=re.compile(rf"/api/{coll}/\d+"))
        alive(f"GET /api/{coll}/:id (cache off)")
    # The unpaginated list and the upload run on a freshly started server, so
    # RSS growth is measured from idle, not on top of the page caches the wrk
    # runs filled.
    results["restart_before_list"] = {}
    code = PROCS.stop(server)
    if code != 0:
        results["errors"].append(f"server exited with {code} on SIGTERM before the list")
    restart_ms, server, port = cold_start(binary, rundir, logf, cafile, 1, True)
    time.sleep(0.3 if args.smoke else 1.0)
    results["restart_before_list"].update(start_ms=round(restart_ms[0], 1),
                                          idle_rss_kib=rss_kib(server.pid))
    log("GET /api/interviews (unpaginated)")
    phases["list"] = stream_list(port, auth, server.pid, 0.1)
    alive("GET /api/interviews")
    lst = phases["list"]
    log(f"unpaginated: {lst['rows']} rows, {lst['bytes'] / 1e6:.1f} MB in {lst['seconds']} s, "
        f"RSS {fmt_mib(lst['baseline_rss_kib'])} -> peak {fmt_mib(lst['peak_rss_kib'])}")
    log(f"tus upload of {args.upload_mib} MiB")
    up = phases["upload"] = upload(port, link_token,
                                   upload_file(workdir, args.upload_mib * MiB), server.pid, cafile)
    alive("the upload")
    if up:
        log(f"upload: {up['mib_per_s']} MiB/s in {up['patches']} PATCH, RSS "
            f"{fmt_mib(up['baseline_rss_kib'])} -> peak {fmt_mib(up['peak_rss_kib'])}")
    else:
        log("upload: the server has no upload endpoint")
    t0 = time.monotonic()
    code = PROCS.stop(server)
    results["shutdown"] = dict(exit_code=code, seconds=round(time.monotonic() - t0, 2))
    if code != 0:
        results["errors"].append(f"server exited with {code} on SIGTERM")

    check_results(args, results)

    env["loadavg_end"] = os.getloadavg()[0]
    results["seconds"] = round(time.monotonic() - t_start, 1)
    table = render(args, results)
    print(table)
    results["table_markdown"] = table
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        log(f"wrote {args.json}")
    if not args.keep:
        shutil.rmtree(rundir, ignore_errors=True)
    if results["errors"]:
        for e in results["errors"]:
            log(f"ERROR: {e}")
        return 1
    return 0


def check_results(args, results):
    """Errors that make a figure meaningless (results["errors"]), and warnings."""
    phases = results["phases"]
    lst = phases["list"]
    for name in WRK_ROWS:
        ph = phases[name]
        if ph["non_2xx"]:
            results["errors"].append(f"{name}: {ph['non_2xx']} non-2xx responses")
        if ph["socket_errors"].get("connect"):
            results["errors"].append(f"{name}: socket errors {ph['socket_errors']}")
        elif sum(ph["socket_errors"].values()):
            results["warnings"].append(f"{name}: wrk socket errors {ph['socket_errors']} "
                                       "(timeout: no answer within 30 s)")
        if not ph.get("requests"):
            results["warnings"].append(f"{name}: no request completed within "
                                       f"{args.duration} s")
    # Every request of the mixed load answered 2xx, and each POST made an invitation.
    mix = phases["mix"]
    for kind, srv in mix["server_kinds"].items():
        bad = {k: v for k, v in (srv or {}).get("statuses", {}).items() if not k.startswith("2")}
        if bad or not (srv or {}).get("count"):
            results["errors"].append(f"mix {kind}: server answered {srv and srv.get('statuses')}")
    if mix["sent"] is None:
        results["errors"].append("mix: wrk's script printed no per-kind counts")
    if mix["created"] != mix["posts_201"] or not mix["created"]:
        results["errors"].append(f"mix: {mix['created']} invitations created on the "
                                 f"{args.mix_vacancies} vacancies, {mix['posts_201']} POSTs "
                                 "answered 201")
    # The "resumption off" rows must be full handshakes; the "on" ones are
    # reported as they are (wrk resumes when the server lets it).
    tls = results["tls_resumption"]
    for k in ("cammio_off", "nginx_off"):
        if tls[k]["resumed"]:
            results["warnings"].append(f"{k}: {tls[k]['resumed']} of wrk's reconnects resumed a "
                                       "session: the 'resumption off' row is not all full "
                                       "handshakes")
    for k, v in tls.items():
        # wrk cuts the connection it is in when it stops: a few are not read.
        if v["unknown"] > max(2, (v["full"] + v["resumed"]) // 20) or not (v["full"] + v["resumed"]):
            results["warnings"].append(f"resumption probe {k}: {v}")
    for name in ("vacancy_without", "vacancy_with", "vacancy_during_messages"):
        ph = results["live"].get(name)
        if ph and (ph["non_2xx"] or ph["socket_errors"].get("connect")):
            results["errors"].append(f"live {name}: {ph['non_2xx']} non-2xx, socket errors "
                                     f"{ph['socket_errors']}")
    if results["live"].get("message_errors"):
        results["errors"].append(f"live messages: {results['live']['message_errors'][:3]}")
    if not lst["complete"]:
        results["errors"].append(
            f"unpaginated list incomplete: status {lst['status']}, curl exit {lst['curl_exit']},"
            f" {lst['rows']} of {lst['total']} rows")
