"""Round-trip latency of the musiclm-csharp kernel beside ipykernel, through the same client.

Both kernels are started by jupyter_client's KernelManager from kernelspecs: ours is installed by
environment/install-kernel.sh into a temporary prefix (as tests/MusicLM.Kernel.Tests/ConformanceTests.cs
does), so the user's kernelspecs play no part; ipykernel is Debian's (python3-ipykernel).

    /usr/bin/python3 tests/MusicLM.Kernel.Tests/bench/kernel_latency.py [-n 100] [--only csharp|python]
        [--kernel-dll PATH/musiclm-kernel.dll]   (another build of the kernel, to compare builds)

For each kernel it prints
  start       launch until the first kernel_info reply
  first cell  the first `1+1`: execute_request sent until its idle status on iopub
  then (after five warm-up cells, and once the kernel's background start-up work has gone quiet)
  median and p90 over N round trips (execute_request until idle) of kernel_info, an empty
  cell, a comment-only cell and `1+1`, and the time of a few heavier cells (a tight loop, fib).
Figures are milliseconds of wall time on this machine; compare the two kernels of one run. The
bracketed figure is the kernel process's CPU time (all threads, /proc) per round trip (for the
first cell: all CPU time since launch): on a busy machine it moves less than the wall time does.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# (label, csharp code, python code); None leaves a kernel out of that row.
ROUND_TRIPS = [
    ("empty cell", "", ""),
    ("comment only", "// nothing", "# nothing"),
    ("1+1", "1+1", "1+1"),
]
HEAVY = [
    (
        "loop 1e8 (sum of i%7)",
        "long s = 0; for (int i = 0; i < 100_000_000; i++) s += i % 7; s",
        None,  # ~10 s in CPython: not a peer worth waiting for
    ),
    (
        "fib(27) recursive",
        "int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2); Fib(27)",
        "def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)\nfib(27)",
    ),
]


def round_trip(kc, code):
    """Milliseconds from execute_request to the idle status with that parent; status of the reply."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code, store_history=True)
    while True:
        m = kc.get_iopub_msg(timeout=120)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "error":
            raise RuntimeError(f"cell {code!r} failed: {m['content']['ename']}: {m['content']['evalue']}")
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return (time.perf_counter() - t0) * 1000


def kernel_info_trip(kc):
    t0 = time.perf_counter()
    kc.kernel_info(reply=True, timeout=30)
    return (time.perf_counter() - t0) * 1000


def drain(kc):
    while True:
        try:
            kc.get_iopub_msg(timeout=0.2)
        except Exception:  # queue.Empty
            return


def cpu_ms(pid):
    """User + system CPU time of a process so far (all its threads), from /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def timed(pid, runs, trip):
    """(median, p90, CPU ms of the kernel per run) over runs calls of trip()."""
    c0 = cpu_ms(pid)
    xs = [trip() for _ in range(runs)]
    c1 = cpu_ms(pid)
    return (*stats(xs), None if c0 is None or c1 is None else (c1 - c0) / runs)


def settle(pid, quiet_ms=25, window_s=0.5, limit_s=60):
    """Waits (at most limit_s) until the kernel is idle, using under quiet_ms of CPU in window_s: work it
    starts in the background after launch (the completion workspace) would otherwise count in the rows."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        c0 = cpu_ms(pid)
        if c0 is None:
            return
        time.sleep(window_s)
        if cpu_ms(pid) - c0 < quiet_ms:
            return


def stats(xs):
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
    return statistics.median(xs), p90


def measure(kernel_name, column, n, heavy_runs, env):
    km = KernelManager(kernel_name=kernel_name)
    t0 = time.perf_counter()
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        start_ms = (time.perf_counter() - t0) * 1000
        drain(kc)
        first_ms = round_trip(kc, "1+1")
        pid = km.provisioner.pid if km.provisioner is not None else None
        rows = [("start (launch → kernel_info reply)", start_ms, None, None),
                ("first cell (1+1)", first_ms, None, cpu_ms(pid))]
        for _ in range(5):  # warm-up, as a person's second and later cells are
            round_trip(kc, "1+1")
        settle(pid)
        rows.append(("kernel_info", *timed(pid, n, lambda: kernel_info_trip(kc))))
        for label, *codes in ROUND_TRIPS:
            code = codes[column]
            rows.append((label, *timed(pid, n, lambda: round_trip(kc, code))))
        for label, *codes in HEAVY:
            code = codes[column]
            if code is None or heavy_runs == 0:
                continue
            rows.append((label, *timed(pid, heavy_runs, lambda: round_trip(kc, code))))
        return rows
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100, help="round trips per row (default 100)")
    ap.add_argument("--heavy", type=int, default=3, help="runs of each heavy cell (default 3; 0 skips them)")
    ap.add_argument("--only", choices=["csharp", "python"], help="measure one kernel only")
    ap.add_argument("--kernel-dll", help="run this musiclm-kernel.dll (through `dotnet`) instead of the checkout's")
    args = ap.parse_args()

    prefix = tempfile.mkdtemp(prefix="musiclm-latency-")
    try:
        subprocess.run(["bash", os.path.join(ROOT, "environment", "install-kernel.sh"), "--prefix", prefix],
                       check=True, stdout=subprocess.DEVNULL)
        if args.kernel_dll:
            spec = os.path.join(prefix, "share", "jupyter", "kernels", "musiclm-csharp", "kernel.json")
            with open(spec) as f:
                kernel = json.load(f)
            kernel["argv"] = ["dotnet", os.path.abspath(args.kernel_dll), "-f", "{connection_file}"]
            with open(spec, "w") as f:
                json.dump(kernel, f)
        env = dict(os.environ)
        env["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
        env["JUPYTER_RUNTIME_DIR"] = os.path.join(prefix, "runtime")
        os.environ.update({k: env[k] for k in ("JUPYTER_PATH", "JUPYTER_RUNTIME_DIR")})
        kernels = [("musiclm-csharp", 0), ("python3", 1)]
        if args.only:
            kernels = [k for k in kernels if k[0].endswith(args.only) or (args.only == "python" and k[0] == "python3")]
        results = {name: measure(name, col, args.n, args.heavy, env) for name, col in kernels}
    finally:
        shutil.rmtree(prefix, ignore_errors=True)

    names = [k for k, _ in kernels]
    print(f"n = {args.n} round trips per row; wall ms median / p90 [kernel CPU ms per round trip]")
    print(f"{'':38}" + "".join(f"{n:>32}" for n in names))
    labels = [r[0] for r in results[names[0]]]
    for name in names[1:]:
        labels += [r[0] for r in results[name] if r[0] not in labels]
    for label in labels:
        cells = []
        for name in names:
            row = next((r for r in results[name] if r[0] == label), None)
            if row is None:
                cells.append(f"{'—':>32}")
            elif row[2] is None:
                cpu = "" if row[3] is None else f"[{row[3]:6.0f}]"
                cells.append(f"{row[1]:>23.1f} {cpu:>8}")
            else:
                cpu = "" if row[3] is None else f"[{row[3]:6.1f}]"
                cells.append(f"{row[1]:>15.2f} / {row[2]:>6.2f} {cpu:>8}")
        print(f"{label:38}" + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
