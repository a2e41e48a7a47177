"""The markdown table and its notes (PASS/MISS against TARGETS), and the
formatting of figures shared with the progress lines on stderr."""
import subprocess

from .common import LOAD_ROWS, MiB, TARGETS


def fmt_ms(v):
    if v is None:
        return "—"
    return f"{v:.2f} ms" if v < 10 else f"{v:.0f} ms" if v < 10000 else f"{v / 1000:.1f} s"


def fmt_mib(kib):
    return "—" if kib is None else f"{kib / 1024:.1f} MiB"


def fmt_rps(ph, duration):
    if not ph.get("requests"):
        return f"0 req/s (none completed in {duration} s)"
    return f"{fmt_n(ph['rps'])} req/s"


def fmt_lat(ph, key):
    """wrk's percentile; the server's (access log) when no request finished for wrk."""
    if ph.get(key) is not None:
        return fmt_ms(ph[key])
    srv = ph.get("server") or {}
    return f"{fmt_ms(srv[key])} (server log)" if srv.get(key) is not None else "—"


def fmt_p99(ph):
    t = ph["socket_errors"].get("timeout", 0)
    return fmt_lat(ph, "p99_ms") + (f" ({t} timed out > 30 s)" if t else "")


def fmt_n(v):
    return f"{v:,.0f}"


def verdict(ok):
    return "PASS" if ok else "MISS"


def probe_txt(v):
    """A resumption probe (wrk_resumption) in words."""
    n = v["full"] + v["resumed"]
    protos = "/".join(sorted(v["protocols"])) or "?"
    return f"{v['resumed']} of {n} resumed ({protos}" + (
        f", {v['unknown']} unread)" if v["unknown"] else ")")


def fmt_cpu(ph):
    """Server CPU time (user + system, all its processes) per request completed."""
    v = (ph or {}).get("cpu_us_per_request")
    return "—" if v is None else f"{v:,.0f} µs"


def render(args, r):
    ph = r["phases"]
    ng, vac, page, post, lst = ph["nginx"], ph["vacancy"], ph["page"], ph["post"], ph["list"]
    req = r["requests"]
    d = r["data"]
    t = TARGETS
    nginx_rps = ng["rps"] or float("nan")
    nginx_bps = nginx_rps * req["vacancy"]["bytes"]
    loaded = [n for n in LOAD_ROWS if n in ph]
    load_peak = max(ph[n]["peak_rss_kib"] for n in loaded)
    rows = []

    def row(what, figure, ratio, p50, p99, rss, target, result, cpu="—"):
        rows.append(f"| {what} | {figure} | {ratio} | {p50} | {p99} | {cpu} | {rss} | {target} "
                    f"| {result} |")

    def wrk_row(what, x, base, target, ok, unit="req/s"):
        """A wrk row; `base` the nginx row its ratio is to (None: the baseline)."""
        ratio = x["rps"] / ((base or ng)["rps"] or float("nan"))
        figure = fmt_rps(x, args.duration).replace("req/s", unit)
        row(what, figure, f"{ratio:.2f}×", fmt_lat(x, "p50_ms"), fmt_p99(x),
            fmt_mib(x["peak_rss_kib"]), target, "—" if ok is None else verdict(ok(ratio, x)),
            cpu=fmt_cpu(x))

    p99_le = lambda x, limit: (x["p99_ms"] or 1e18) <= limit
    kb = req["vacancy"]["bytes"] / 1024
    skb = req["small"]["bytes"] / 1024
    row(f"nginx {r['environment']['nginx']}: static {kb:.1f} KiB JSON (baseline)",
        f"{fmt_n(ng['rps'])} req/s", "1.00×", fmt_ms(ng["p50_ms"]), fmt_ms(ng["p99_ms"]),
        fmt_mib(ng["peak_rss_kib"]), "—", "—", cpu=fmt_cpu(ng))
    wrk_row(f"nginx: static {skb:.1f} KiB JSON (the small vacancy's bytes)", ph["nginx_small"],
            None, "—", None)
    tl = r["tls_resumption"]
    wrk_row("nginx: new TLS connection per GET of the small JSON (`Connection: close`), "
            "resumption off (no tickets, no session cache; wrk's no-resumption client; probe: "
            f"{probe_txt(tl['nginx_off'])})", ph["nginx_reconnect_off"], None, "—", None,
            unit="conn/s")
    wrk_row("nginx: new TLS connection per GET of the small JSON, resumption on (tickets, "
            f"session cache; wrk's default client; probe: {probe_txt(tl['nginx_on'])})",
            ph["nginx_reconnect"], None, "—", None, unit="conn/s")
    wrk_row(f"GET {req['vacancy']['path']} ({req['vacancy']['invitations']} invitations, "
            f"{req['vacancy']['interviews']} interviews, {kb:.1f} KiB)", vac, None,
            f"≥ {t['vacancy_ratio']}× nginx, p99 ≤ {t['vacancy_p99_ms']:g} ms",
            lambda q, x: q >= t["vacancy_ratio"] and p99_le(x, t["vacancy_p99_ms"]))
    wrk_row(f"GET {req['page']['path']} ({fmt_n(req['page']['total'])} of "
            f"{fmt_n(d['demo']['interviews'])} match)", page, None,
            f"p99 ≤ {t['page_p99_ms']:g} ms", lambda q, x: p99_le(x, t["page_p99_ms"]))
    wrk_row("POST /api/invitations (durable: synchronous=FULL, group commit)", post, None,
            f"≥ {fmt_n(t['post_rps'])}/s at {args.connections} clients",
            lambda q, x: x["rps"] >= t["post_rps"])
    wrk_row(f"GET {req['small']['path']} (a small vacancy, {req['small']['invitations']} "
            f"invitations, {skb:.1f} KiB)", ph["small"], ph["nginx_small"],
            f"≥ {t['small_ratio']}× nginx (same bytes)",
            lambda q, x: q >= t["small_ratio"])
    mx, mq = ph["mix"], req["mix"]
    kinds = mx.get("server_kinds") or {}
    done = lambda k: fmt_n((kinds.get(k) or {}).get("count", 0))
    wrk_row(f"mixed ATS load over {mq['vacancies']} vacancies × {mq['invitations_each']} "
            f"invitations ({mq['vacancy_bytes'] / 1024:.1f} KiB each at the start"
            + (f", {mx['vacancy_bytes_after'] / 1024:.1f} KiB the first one at the end"
               if mx.get("vacancy_bytes_after") else "")
            + "; made through "
            f"the API in {mq['made_seconds']:g} s): 70% GET /api/vacancies/:id, 15% GET "
            "/api/vacancies/:id/invitations?limit=20, 15% POST /api/invitations (new candidate, "
            f"random vacancy); answered {done('vacancy')} / {done('list')} / {done('post')}, "
            f"{fmt_n(mx['created'])} invitations made (warm-up included)", mx, None,
            f"≥ {t['mix_ratio']}× nginx, p99 ≤ {t['mix_p99_ms']:g} ms",
            lambda q, x: q >= t["mix_ratio"] and p99_le(x, t["mix_p99_ms"]))
    off_how = (f"server setting {args.no_resumption_env}, wrk's default client"
               if args.no_resumption_env else
               "wrk's no-resumption client; cammio keeps no session cache")
    wrk_row(f"new TLS connection per GET {req['small']['path']} (`Connection: close`), "
            f"resumption off ({off_how}; probe: {probe_txt(tl['cammio_off'])})",
            ph["reconnect_off"], ph["nginx_reconnect_off"],
            f"≥ {t['reconnect_ratio']}× nginx (resumption off), none resumed",
            lambda q, x: q >= t["reconnect_ratio"] and not tl["cammio_off"]["resumed"]
            and not tl["nginx_off"]["resumed"], unit="conn/s")
    wrk_row(f"new TLS connection per GET {req['small']['path']}, resumption on (wrk's default "
            f"client; probe: {probe_txt(tl['cammio_on'])})", ph["reconnect"],
            ph["nginx_reconnect"], "(information; vs nginx resumption on)", None, unit="conn/s")
    off = "response cache off"
    wrk_row(f"GET {req['vacancy']['path']}, {off} (every request runs its queries)",
            ph["vacancy_uncached"], None, f"≥ {t['uncached_vacancy_ratio']}× nginx",
            lambda q, x: q >= t["uncached_vacancy_ratio"])
    wrk_row(f"GET {req['page']['path']}, {off}", ph["page_uncached"], None,
            f"p99 ≤ {t['uncached_page_p99_ms']:g} ms",
            lambda q, x: p99_le(x, t["uncached_page_p99_ms"]))
    for name, key in (("invitation_uncached", "invitation"), ("interview_uncached", "interview")):
        q = req[key]
        wrk_row(f"GET {q['path']}, {off}: {fmt_n(q['ids'])} ids (of {fmt_n(q['of'])}, "
                f"{q['first']}–{q['last']}) drawn at random", ph[name], None,
                f"≥ {t['uncached_by_id_ratio']}× nginx",
                lambda q, x: q >= t["uncached_by_id_ratio"])
    mibps = lst["bytes"] / MiB / lst["seconds"] if lst["seconds"] else 0
    row(f"GET /api/interviews unpaginated ({fmt_n(lst['rows'])} rows, "
        f"{lst['bytes'] / MiB:,.0f} MiB, 1 client, chunked)",
        f"{fmt_ms(lst['seconds'] * 1000)} ({mibps:.1f} MiB/s, "
        f"{fmt_n(lst['rows'] / max(lst['seconds'], 1e-9))} rows/s)",
        f"{mibps * MiB / nginx_bps:.2f}× bytes/s", "—", "—",
        f"+{lst['growth_kib'] / 1024:.1f} MiB (peak {fmt_mib(lst['peak_rss_kib'])})",
        f"RSS growth ≤ {t['list_growth_mib']:g} MiB",
        verdict(lst["growth_kib"] <= t["list_growth_mib"] * 1024),
        cpu=f"{lst['cpu_seconds']:.2f} s (1 request)")
    up = ph.get("upload")
    if up:
        how = f"{up['patches']} PATCH" if not up["fallback"] else \
            f"{up['patches']} PATCHes of ≤ 1 MiB: one 50 MiB PATCH made no progress"
        row(f"{up['bytes'] / MiB:.0f} MiB recording upload (tus: POST + {how})", f"{up['mib_per_s']:.1f} MiB/s ({up['seconds']:.2f} s)",
            f"{up['mib_per_s'] * MiB / nginx_bps:.2f}× bytes/s", "—", "—",
            f"+{up['growth_kib'] / 1024:.1f} MiB (peak {fmt_mib(up['peak_rss_kib'])})", "—", "—",
            cpu=f"{up['cpu_seconds']:.2f} s (1 upload)")
    else:
        row(f"{args.upload_mib} MB recording upload (MB/s)", "n/a (no upload endpoint yet)", "—",
            "—", "—", "—", "—", "n/a")
    render_live(args, r, row)
    cs = r["cold_start_ms"]
    row(f"cold start → first TLS response (median of {len(cs['runs'])})",
        f"{cs['median']:.0f} ms (max {cs['max']:.0f})", "—", "—", "—", "—",
        f"≤ {t['cold_start_ms']:g} ms", verdict(cs["median"] <= t["cold_start_ms"]))
    row("idle RSS (1 s after the first response)", fmt_mib(r["idle"]["rss_kib"]), "—", "—",
        "—", fmt_mib(r["idle"]["rss_kib"]), f"≤ {t['idle_rss_mib']:g} MiB",
        verdict(r["idle"]["rss_kib"] <= t["idle_rss_mib"] * 1024))
    row(f"peak RSS under wrk load (max of the {len(loaded)} cammio wrk rows above)",
        fmt_mib(load_peak), "—", "—", "—",
        fmt_mib(load_peak), f"≤ {t['load_rss_mib']:g} MiB",
        verdict(load_peak <= t["load_rss_mib"] * 1024))
    b = r["binary"]
    row("stripped binary size", f"{b['stripped_bytes'] / MiB:.2f} MiB "
        f"({fmt_n(b['stripped_bytes'])} B)", "—", "—", "—", "—", f"≤ {t['binary_mib']:g} MiB",
        verdict(b["stripped_bytes"] <= t["binary_mib"] * MiB))
    e = r["environment"]
    head = [
        f"### cammio bench ({r['mode']}{', SMOKE: figures are not meaningful' if args.smoke else ''})",
        "",
        "| measurement | figure | vs nginx | p50 | p99 | server CPU / request | peak RSS | "
        "target | |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    tot = d.get("totals", {})
    notes = [
        "",
        f"- commit {e['commit']}{' + uncommitted src changes' if e['src_dirty'] else ''}; "
        f"binary {b['bytes'] / MiB:.2f} MiB unstripped; {e['cores']} cores shared by client "
        f"and servers; load average {e['loadavg_start']:.1f} at start, "
        f"{e['loadavg_end']:.1f} at end; {e['wrk']}, `-t{args.threads} -c{args.connections} "
        f"-d{args.duration}s --timeout 30s`, warm-up {args.warmup:g} s.",
        f"- TLS 1.2 on both: P-256 ECDSA certificate (DATA/tls), ECDHE; nginx pinned to "
        f"ECDHE-ECDSA-AES128-GCM-SHA256 + prime256v1, worker_processes {e['nginx_workers']}, "
        "keepalive_requests 100000; cammio with its defaults (32 workers, one running per CPU, "
        "keep_alive_max_count 100000). "
        f"Negotiated by OpenSSL's defaults: cammio {e['tls_negotiated']['cammio']}; nginx "
        f"{e['tls_negotiated']['nginx']}.",
        f"- data (scale {d['scale']:g}): demo account {fmt_n(d['demo']['vacancies'])} vacancies, "
        f"{fmt_n(d['demo']['interviews'])} interviews, {fmt_n(d['demo']['open_invitations'])} "
        f"open invitations; all accounts {fmt_n(tot.get('invitations', 0))} invitations, "
        f"{fmt_n(tot.get('recordings', 0))} recordings, {fmt_n(tot.get('videos', 0))} videos, "
        f"{fmt_n(tot.get('reviews', 0))} reviews; database {d['db_bytes'] / MiB:,.0f} MiB on "
        f"{fs_type(d['data_dir'])} (fdatasync p50 {e['fdatasync']['p50_ms']} ms, p90 "
        f"{e['fdatasync']['p90_ms']} ms).",
        "- server CPU / request: user + system CPU time of the server's processes (cammio; "
        "nginx's master and workers) while wrk ran, from /proc/PID/stat, divided by the "
        "requests completed (cammio: its access log's count, which includes requests wrk "
        f"abandoned at the end). Idle RSS after the load "
        f"{fmt_mib(r['idle_after_load']['rss_kib'])}; SIGTERM stop {r['shutdown']['seconds']} s.",
    ]
    mx = ph["mix"]
    sent = mx.get("sent") or {}
    kinds = mx.get("server_kinds") or {}
    notes.append(
        "- mixed load: " + ", ".join(
            f"{k} sent {fmt_n(sent.get(k, 0))}, answered {fmt_n((kinds.get(k) or {}).get('count', 0))}"
            f" (statuses {(kinds.get(k) or {}).get('statuses')}, server p99 "
            f"{fmt_ms((kinds.get(k) or {}).get('p99_ms'))})" for k in ("vacancy", "list", "post"))
        + f"; invitations on its vacancies {fmt_n(req['mix']['invitations_before'])} → "
        f"{fmt_n(mx['invitations_after'])}, {fmt_n(mx['posts_201'])} POSTs answered 201 since "
        f"(warm-up included); wrk Lua seeded with --seed {args.seed} per thread. "
        f"By-id rows: ids from {req['invitation']['ids']} / {req['interview']['ids']} rows of "
        "10 pages spread evenly over each list (offset), one drawn at random per request.")
    notes.append(
        "- TLS resumption: wrk keeps each connection's SSL object and offers its last session "
        "when it reconnects. Before each pair of reconnect rows, wrk with that row's client "
        "ran 1 s on one connection through a relay that reads each ServerHello (TLS 1.3: "
        "pre_shared_key; TLS 1.2: no Certificate after it): " + "; ".join(
            f"{k} {probe_txt(v)}" for k, v in r["tls_resumption"].items()) + ". The "
        "no-resumption client is an OPENSSL_CONF for wrk: TLS 1.2, no tickets, "
        "ECDHE-ECDSA-AES128-GCM-SHA256, P-256 (nginx's).")
    sc = r["single_client"]
    notes.append(f"- one client, no load (median of {len(sc['vacancy']['runs'])} on one "
                 f"connection): vacancy {fmt_ms(sc['vacancy']['median_ms'])}, page "
                 f"{fmt_ms(sc['page']['median_ms'])}, nginx {fmt_ms(sc['nginx']['median_ms'])}.")
    srv = [f"{n} {ph[n]['server']['count']} requests finished ("
           f"{ph[n]['server'].get('finished_during_run', 0)} while wrk ran), p50 "
           f"{fmt_ms(ph[n]['server'].get('p50_ms'))}, max {fmt_ms(ph[n]['server'].get('max_ms'))}"
           for n in ("vacancy", "page", "post") if ph[n].get("server")]
    if srv:
        notes.append("- server side (access log, handler time): " + "; ".join(srv) + ".")
    rb = r.get("restart_before_list", {})
    if rb:
        notes.append(f"- the unpaginated list and the upload ran on a restarted server (RSS "
                     f"{fmt_mib(r['idle_after_load']['rss_kib'])} idle after the wrk runs, "
                     f"{fmt_mib(rb.get('idle_rss_kib'))} after the restart); growth is from "
                     "that idle RSS.")
    drains = ", ".join(f"{n} {ph[n]['drain_seconds']:.0f} s" for n in ("vacancy", "page", "post")
                       if ph[n].get("drain_seconds", 0) > 1)
    if drains:
        notes.append(f"- after wrk stopped the server stayed busy finishing abandoned requests: "
                     f"{drains} (waited before the next measurement).")
    for w in r["warnings"]:
        notes.append(f"- warning: {w}")
    if up and up["fallback"]:
        notes.append(f"- upload: {up['fallback']} (what a tus client with a chunk size does).")
    if r["errors"]:
        notes.append("- ERRORS: " + "; ".join(r["errors"]))
    return "\n".join(head + rows + notes)


def render_live(args, r, row):
    lv = r.get("live")
    if lv is None:
        return
    if "skipped" in lv:
        row("live: 300 signalling streams (100 rooms × 3)", "skipped", "—", "—", "—", "—",
            "≤ 16 MiB, no threads, GET within 10%", f"SKIP ({lv['skipped']})")
        row("live: signalling message to the others under API load", "skipped", "—", "—", "—",
            "—", "p99 ≤ 50 ms", "SKIP")
        return
    a, b = lv["vacancy_without"], lv["vacancy_with"]
    rps_ok = b["rps"] >= 0.9 * a["rps"]
    p99_ok = (b["p99_ms"] or 1e18) <= 1.1 * (a["p99_ms"] or 0)
    growth = lv["rss_growth_kib"]
    threads_ok = lv["threads_after"] == lv["threads_before"]
    row(f"live: {lv['streams']} open signalling streams (100 rooms × 3): RSS, threads "
        f"{lv['threads_before']} → {lv['threads_after']}",
        f"+{growth / 1024:.1f} MiB", "—", "—", "—", fmt_mib(lv["rss_after_kib"]),
        f"≤ {TARGETS['live_streams_mib']:g} MiB, no request threads",
        verdict(growth <= TARGETS["live_streams_mib"] * 1024 and threads_ok))
    row(f"live: GET vacancy with the {lv['streams']} streams open (without: "
        f"{fmt_n(a['rps'])} req/s, p99 {fmt_ms(a['p99_ms'])})",
        fmt_rps(b, args.duration), f"{b['rps'] / max(a['rps'], 1e-9):.2f}× without",
        fmt_lat(b, "p50_ms"), fmt_p99(b), fmt_mib(b["peak_rss_kib"]),
        "req/s and p99 within 10%", verdict(rps_ok and p99_ok), cpu=fmt_cpu(b))
    lat = lv.get("latency_ms") or {}
    ok = bool(lat) and lat["p99"] <= TARGETS["live_message_p99_ms"] and not lv["missing"] \
        and not lv.get("message_errors")
    row(f"live: chat message to the 2 others while GET vacancy load runs ({lv['messages']} "
        f"messages, {lv['deliveries']} deliveries, {lv['missing']} missing, "
        f"{lv.get('reconnects', 0)} sent again on a new connection)",
        f"{lat.get('p50', 'n/a')} ms median", "—", f"{lat.get('p50', 'n/a')} ms",
        f"{lat.get('p99', 'n/a')} ms", "—", f"p99 ≤ {TARGETS['live_message_p99_ms']:g} ms",
        verdict(ok))


def fs_type(path):
    try:
        out = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", "-T", path], capture_output=True,
                             text=True).stdout.strip()
        return out or "?"
    except OSError:
        return "?"
