"""wrk rows: the Lua scripts, one measured wrk run (warm-up, RSS and CPU
sampled), wrk's output parsed, and the server's access log read for the same
requests."""
import calendar
import os
import re
import subprocess
import time

from .common import BenchError, log
from .procs import PROCS, Sampler, wait_idle
from .render import fmt_mib, fmt_ms


POST_LUA = r"""
-- POST /api/invitations with a new candidate email on every request.
-- args: vacancy id, run nonce, Authorization header value.
local made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
end
local counter = 0
local vacancy, nonce, auth
function init(args)
  vacancy, nonce, auth = args[1], args[2], args[3]
end
function request()
  counter = counter + 1
  local body = '{"invitation":{"vacancy_id":' .. vacancy ..
      ',"candidate_email":"bench-' .. nonce .. '-' .. tid .. '-' .. counter ..
      '@candidates.example","candidate_name":"Bench Candidate ' .. counter .. '"}}'
  return wrk.format("POST", "/api/invitations",
                    {["Authorization"] = auth, ["Content-Type"] = "application/json"}, body)
end
"""


SPREAD_LUA = r"""
-- GET PREFIX<id> with the id drawn from a list by a per-thread random
-- generator seeded from args[1] and the thread number (the same sequence every run).
-- args: seed, prefix, comma-separated ids.
made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
end
function init(args)
  math.randomseed(tonumber(args[1]) * 1000 + tid)
  prefix = args[2]
  ids = {}
  for id in string.gmatch(args[3], "%d+") do ids[#ids + 1] = id end
end
function request()
  return wrk.format("GET", prefix .. ids[math.random(#ids)])
end
"""

MIX_LUA = r"""
-- The mixed ATS load of issue 17 over a list of vacancies, each request on one
-- drawn at random (per-thread generator seeded from args[1] and the thread number):
-- 70% GET /api/vacancies/:id, 15% GET /api/vacancies/:id/invitations?limit=20,
-- 15% POST /api/invitations with a new candidate. Authorization comes with -H.
-- args: seed, run nonce, comma-separated vacancy ids. done() prints the requests
-- sent per kind ("MIX sent ...").
threads = {}
made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
  table.insert(threads, thread)
end
n_vacancy, n_list, n_post = 0, 0, 0
function init(args)
  math.randomseed(tonumber(args[1]) * 1000 + tid)
  -- The warm-up runs this script too: a stamp from /dev/urandom per thread and
  -- process keeps every candidate email new (the draws stay seeded).
  local f = io.open("/dev/urandom", "rb")
  nonce = args[2] .. "-" .. (f:read(6):gsub(".", function(c)
    return string.format("%02x", c:byte()) end))
  f:close()
  ids = {}
  for id in string.gmatch(args[3], "%d+") do ids[#ids + 1] = id end
  post_headers = {}
  for k, v in pairs(wrk.headers) do post_headers[k] = v end
  post_headers["Content-Type"] = "application/json"
end
function request()
  local id = ids[math.random(#ids)]
  local r = math.random(100)
  if r <= 70 then
    n_vacancy = n_vacancy + 1
    return wrk.format("GET", "/api/vacancies/" .. id)
  elseif r <= 85 then
    n_list = n_list + 1
    return wrk.format("GET", "/api/vacancies/" .. id .. "/invitations?limit=20")
  end
  n_post = n_post + 1
  local body = '{"invitation":{"vacancy_id":' .. id .. ',"candidate_email":"mix-' .. nonce ..
      '-' .. n_post .. '@candidates.example","candidate_name":"Mix Candidate ' ..
      n_post .. '"}}'
  return wrk.format("POST", "/api/invitations", post_headers, body)
end
function done(summary, latency, requests)
  local v, l, p = 0, 0, 0
  for _, t in ipairs(threads) do
    v = v + t:get("n_vacancy")
    l = l + t:get("n_list")
    p = p + t:get("n_post")
  end
  io.write(string.format("MIX sent vacancy %d list %d post %d\n", v, l, p))
end
"""


def parse_duration_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", text)
    if not m:
        raise BenchError(f"cannot parse wrk duration {text!r}")
    v = float(m.group(1))
    return v * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}[m.group(2)]


def parse_wrk(out):
    res = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise BenchError("wrk printed no Requests/sec:\n" + out)
    res["rps"] = float(m.group(1))
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        res[f"p{pct}_ms"] = parse_duration_ms(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", out)
    if m:
        res["requests"] = int(m.group(1))
        res["read"] = m.group(3)
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"),
                                    map(int, m.groups()))) if m else {}
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    if not res.get("requests"):
        for pct in ("50", "75", "90", "99"):
            res[f"p{pct}_ms"] = None
    return res


ACCESS_RE = re.compile(r"^(\S+) INFO access id=\S+ account=\S+ (\S+) (\S+) (\d+) \d+B (\d+)ms")


def access_log(logf, offset, method, path, until=None):
    """Server-side view of the requests logged after `offset`: count, statuses,
    durations; `until` (epoch seconds) also counts those finished before it.
    `path` is the logged path (without the query) or a compiled pattern it must
    match whole; `method` and `path` may also be a list of (method, path) pairs
    given as `method` with `path` None: any of them counts."""
    if not logf:
        return None
    kinds = method if path is None else [(method, path)]

    def wanted(m):
        return any(m.group(2) == meth and (pat.fullmatch(m.group(3)) if hasattr(pat, "fullmatch")
                                           else m.group(3) == pat) for meth, pat in kinds)

    durations, statuses, before = [], {}, 0
    with open(logf, errors="replace") as f:
        f.seek(offset)
        for line in f:
            m = ACCESS_RE.match(line)
            if not m or not wanted(m):
                continue
            durations.append(int(m.group(5)))
            statuses[m.group(4)] = statuses.get(m.group(4), 0) + 1
            if until is not None:
                try:
                    ts = calendar.timegm(time.strptime(m.group(1)[:19], "%Y-%m-%dT%H:%M:%S"))
                    before += ts <= until
                except ValueError:
                    pass
    if not durations:
        return dict(count=0, statuses=statuses)
    durations.sort()
    q = lambda p: durations[min(len(durations) - 1, int(len(durations) * p))]
    return dict(count=len(durations), finished_during_run=before, statuses=statuses,
                p50_ms=q(0.50), p99_ms=q(0.99), max_ms=durations[-1])


def wrk(args, url, pids, headers=(), script=None, script_args=(), label="", logf=None,
        method="GET", log_path=None, log_kinds=None, client_conf=None):
    """One wrk row: `pids` are the server's processes whose CPU time is divided by
    the requests completed (the server's access log count when there is one).
    `log_kinds` {name: (method, path or pattern)}: the access log counted per kind
    as well (res["server_kinds"]); `client_conf`: an OpenSSL configuration file
    for wrk's TLS client (OPENSSL_CONF)."""
    wenv = dict(os.environ, OPENSSL_CONF=client_conf) if client_conf else None
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
           "--latency", "--timeout", "30s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    if script_args:
        cmd += ["--", *script_args]
    if args.warmup > 0:
        warm = list(cmd)
        # wrk takes whole seconds: "-d1.0s" (a float from --warmup) is a usage error.
        warm[3] = f"-d{max(1, round(args.warmup))}s"
        w = subprocess.run(warm, capture_output=True, text=True, timeout=args.warmup + 120,
                           env=wenv)
        if w.returncode != 0:
            raise BenchError(f"wrk warm-up failed ({w.returncode}):\n{w.stdout}{w.stderr}")
    log(f"{label}: wrk {args.duration}s x {args.connections} connections: {url}")
    if args.warmup > 0:
        wait_idle(pids[0])
    offset = os.path.getsize(logf) if logf else 0
    with Sampler(pids) as smp:
        p = PROCS.start("wrk", cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                        env=wenv)
        try:
            out, _ = p.communicate(timeout=args.duration + 120)
        finally:
            PROCS.stop(p)
        wrk_end = time.time()
        drain = wait_idle(pids[0]) if len(pids) == 1 else 0.0
    if drain > 1:
        log(f"{label}: the server stayed busy {drain:.1f} s after wrk stopped "
            "(finishing requests whose clients had gone)")
    if p.returncode != 0:
        raise BenchError(f"wrk failed ({p.returncode}):\n{out}")
    res = parse_wrk(out)
    res["peak_rss_kib"] = smp.peak
    res["drain_seconds"] = drain
    res["cpu_seconds"] = round(smp.cpu, 2)
    if log_kinds:
        res["server_kinds"] = {k: access_log(logf, offset, m, lp, wrk_end)
                               for k, (m, lp) in log_kinds.items()}
        res["server"] = srv = access_log(logf, offset, list(log_kinds.values()), None, wrk_end)
    else:
        res["server"] = srv = access_log(logf, offset, method, log_path, wrk_end)
    done = (srv or {}).get("count") or res.get("requests")
    if done:
        res["cpu_us_per_request"] = round(smp.cpu / done * 1e6, 1)
    res["wrk_output"] = out
    log(f"{label}: {res['rps']:.0f} req/s, p50 {fmt_ms(res['p50_ms'])}, p99 "
        f"{fmt_ms(res['p99_ms'])}, peak RSS {fmt_mib(smp.peak)}, non-2xx {res['non_2xx']}, "
        f"socket errors {res['socket_errors']}; server log: {srv}")
    return res
