"""Processes: everything started is tracked and stopped on exit (PROCS); the
command runner, a free port, /proc readings (RSS, CPU time, children), the RSS
and CPU sampler, the wait until a server is idle, and the fdatasync probe."""
import os
import signal
import socket
import subprocess
import threading
import time

from .common import CLK_TCK, BenchError, log


class Procs:
    def __init__(self):
        self.procs = []  # (Popen, name, stop signal, own process group)

    def start(self, name, cmd, stop_signal=signal.SIGTERM, group=False, **kw):
        p = subprocess.Popen(cmd, start_new_session=group, **kw)
        self.procs.append((p, name, stop_signal, group))
        return p

    def stop(self, p, timeout=15):
        """Stops one started process (and its group if it has one); returns its exit code."""
        for entry in list(self.procs):
            if entry[0] is not p:
                continue
            _, name, sig, group = entry
            if p.poll() is None:
                try:
                    p.send_signal(sig)
                    p.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    log(f"{name} (pid {p.pid}) did not stop in {timeout}s; killing it")
                    p.kill()
                    p.wait()
                except ProcessLookupError:
                    pass
            if group:
                try:
                    os.killpg(p.pid, signal.SIGKILL)  # leftover children (nginx workers)
                except (ProcessLookupError, PermissionError):
                    pass
            self.procs.remove(entry)
            return p.returncode
        return p.poll()

    def stop_all(self):
        for entry in reversed(list(self.procs)):
            self.stop(entry[0], timeout=5)


PROCS = Procs()


def on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run(cmd, **kw):
    log("$ " + " ".join(cmd))
    try:
        return subprocess.run(cmd, check=True, **kw)
    except subprocess.CalledProcessError as e:
        raise BenchError(f"{' '.join(cmd)} exited with {e.returncode}") from None
    except OSError as e:
        raise BenchError(f"cannot run {cmd[0]}: {e}") from None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:", "Threads:")):
                    k, v = line.split(":", 1)
                    out[k] = int(v.split()[0])
    except FileNotFoundError:
        pass
    return out


def rss_kib(pid):
    return proc_status(pid).get("VmRSS", 0)


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except FileNotFoundError:
        return 0.0


def children_of(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if ppid == pid:
            kids.append(int(d))
    return kids


def reset_hwm(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


class Sampler:
    """Samples the RSS (sum over pids) every `interval` seconds in a thread."""

    def __init__(self, pids, interval=0.1):
        self.pids = pids
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(rss_kib(p) for p in self.pids))
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self):
        for p in self.pids:
            reset_hwm(p)
        self.cpu0 = sum(cpu_seconds(p) for p in self.pids)
        self.t0 = time.monotonic()
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.seconds = time.monotonic() - self.t0
        self.cpu = sum(cpu_seconds(p) for p in self.pids) - self.cpu0
        hwm = sum(proc_status(p).get("VmHWM", 0) for p in self.pids)
        self.peak = max(self.peak, hwm if len(self.pids) == 1 else 0)
        return False


IDLE_STEP = [0.25]  # seconds per idle check of wait_idle; --smoke makes it 0.1


def wait_idle(pid, timeout=300, threshold=0.05, step=None):
    """Waits until `pid` uses < threshold of a core; returns the seconds waited.

    After wrk stops, a server may still be working on requests whose clients
    have gone; the next measurement must not pay for them."""
    step = step or IDLE_STEP[0]
    t0 = time.monotonic()
    prev = cpu_seconds(pid)
    quiet = 0
    while time.monotonic() - t0 < timeout:
        time.sleep(step)
        cur = cpu_seconds(pid)
        quiet = quiet + 1 if (cur - prev) / step < threshold else 0
        prev = cur
        if quiet >= 2:
            break
    return round(time.monotonic() - t0 - 2 * step, 2)


def fsync_probe(directory, n=50):
    """Median and p90 fdatasync latency of a 4 KiB write on the data directory's disk."""
    path = os.path.join(directory, "bench-fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    times = []
    try:
        for i in range(n):
            os.pwrite(fd, b"x" * 4096, i * 4096)
            t0 = time.perf_counter()
            os.fdatasync(fd)
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    times.sort()
    return dict(p50_ms=round(times[n // 2], 2), p90_ms=round(times[n * 9 // 10], 2))
