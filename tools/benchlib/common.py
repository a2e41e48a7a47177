"""Paths, the targets and row names of the benchmark, and the log and error
shared by every module."""
import os
import re
import sys


# The repository: tools/benchlib/common.py is three levels below it.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN_DATA = os.path.join(ROOT, "tools", "gen-data")
DEMO_EMAIL = "demo@cammio.test"
MiB = 1024 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The targets of the issue; MB is read as MiB (2^20 bytes).
TARGETS = dict(vacancy_ratio=0.5, vacancy_p99_ms=5.0, page_p99_ms=5.0, post_rps=5000.0,
               list_growth_mib=16.0, idle_rss_mib=8.0, load_rss_mib=64.0, cold_start_ms=100.0,
               binary_mib=6.0, live_streams_mib=16.0, live_message_p99_ms=50.0,
               # issue 17
               mix_ratio=0.25, mix_p99_ms=10.0, uncached_vacancy_ratio=0.25,
               uncached_page_p99_ms=10.0, uncached_by_id_ratio=0.4, small_ratio=0.5,
               reconnect_ratio=0.5)

MIX_INVITATIONS = 10  # open invitations made on each vacancy of the mixed load
# The mixed load's three kinds as the access log names them (path without query).
MIX_KINDS = {"vacancy": ("GET", re.compile(r"/api/vacancies/\d+")),
             "list": ("GET", re.compile(r"/api/vacancies/\d+/invitations")),
             "post": ("POST", "/api/invitations")}
# Every wrk row outside the live ones: each must answer 2xx only.
WRK_ROWS = ("nginx", "nginx_small", "nginx_reconnect", "nginx_reconnect_off", "vacancy", "page",
            "post", "small", "mix", "reconnect", "reconnect_off", "vacancy_uncached",
            "page_uncached", "invitation_uncached", "interview_uncached")
# The cammio rows among them whose peak RSS is "under wrk load".
LOAD_ROWS = ("vacancy", "page", "post", "small", "mix", "reconnect", "reconnect_off",
             "vacancy_uncached", "page_uncached", "invitation_uncached", "interview_uncached")


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass
