"""Completion latency of the musiclm-csharp kernel through jupyter_client, beside its basic completer
(MUSICLM_KERNEL_COMPLETION=basic, the same kernel) and ipykernel, measured in the same run.

    /usr/bin/python3 tests/MusicLM.Kernel.Tests/bench/completion_latency.py [--rounds N]

Needs a built kernel (dotnet build lib/MusicLM.Kernel -c Release) and Debian's python3-jupyter-client
and python3-ipykernel. Kernelspecs go to a temporary JUPYTER_PATH. Prints, for each kernel: the first
cell (1+1) after start, the time until Roslyn answers (its warm-up after the first cell), the first
completion after a new cell (the workspace mirrors that cell then) and the median and p90 of later ones.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from jupyter_client.manager import start_new_kernel

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DLL = os.path.join(ROOT, "lib", "MusicLM.Kernel", "bin", "Release", "net10.0", "musiclm-kernel.dll")

CSHARP = {
    "setup": 'var items = new List<int> { 3, 1, 2 }; int Twice(int x) => 2 * x; class Widget { public int Size; }',
    "next_cell": "var later = items.Count;",
    "first": "later.CompareT",
    "samples": ['"abc".Sub', "items.Wh", "Twi", "new Widget().Si", "var sb = new StringBui", "whi",
                "Console.WriteL", "items.Select(x => x.CompareT", "Math.Sq", "System.Collections.Gen"],
    "typing": [("var sb = new ", "StringBuilder"), ("items.", "OrderByDescending"), ("Console.", "WriteLine")],
}
PYTHON = {
    "setup": "items = [3, 1, 2]\ndef twice(x): return 2 * x\nclass Widget:\n    size = 0",
    "next_cell": "later = len(items)",
    "first": "later.bit_len",
    "samples": ['"abc".spl', "items.app", "twi", "Widget().si", "import collecti", "whi",
                "print(items.cou", "[x.bit_len", "abs(ite", "str.startsw"],
    "typing": [("import ", "collections"), ("items.", "append"), ("print(", "isinstance")],
}


def ms(t0):
    return (time.perf_counter() - t0) * 1000


def complete(kc, code):
    t0 = time.perf_counter()
    reply = kc.complete(code, len(code), reply=True, timeout=60)["content"]
    return ms(t0), reply


def run(kc, code):
    t0 = time.perf_counter()
    reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return ms(t0)


def rss_mb(km):
    """The kernel process's resident memory at the end of its run (Linux), or None."""
    try:
        with open(f"/proc/{km.provisioner.process.pid}/status") as f:
            return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS:"))
    except (AttributeError, OSError, StopIteration):
        return None


def measure(name, spec, rounds, wait_for_roslyn):
    km, kc = start_new_kernel(kernel_name=name)
    try:
        first_cell = run(kc, "1+1")
        t0 = time.perf_counter()
        second_cell = run(kc, spec["setup"])
        ready = None
        if wait_for_roslyn:
            while complete(kc, "Consol")[1]["metadata"].get("completer") != "roslyn":
                time.sleep(0.1)
            ready = ms(t0)
        run(kc, spec["next_cell"])
        first, reply = complete(kc, spec["first"])
        later = []
        for _ in range(rounds):
            for code in spec["samples"]:
                t, reply = complete(kc, code)
                later.append(t)
                assert reply["status"] == "ok", reply
        typing = []
        for _ in range(rounds):
            for before, word in spec["typing"]:
                complete(kc, before + word[0])
                for n in range(2, len(word) + 1):
                    typing.append(complete(kc, before + word[:n])[0])
        return {"kernel": name, "rss_mb": rss_mb(km), "typing_median_ms": statistics.median(typing), "typing_n": len(typing), "first_cell_ms": first_cell, "second_cell_ms": second_cell, "roslyn_ready_ms": ready,
                "first_completion_ms": first, "first_completer": reply["metadata"].get("completer"),
                "later_median_ms": statistics.median(later),
                "later_p90_ms": statistics.quantiles(later, n=10)[-1], "n": len(later)}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the sample texts (default 5)")
    args = parser.parse_args()
    if not os.path.exists(DLL):
        sys.exit(f"completion_latency: build the kernel first ({DLL} is missing)")
    with tempfile.TemporaryDirectory() as prefix:
        for name, env in [("musiclm-roslyn", {}), ("musiclm-basic", {"MUSICLM_KERNEL_COMPLETION": "basic"})]:
            spec = os.path.join(prefix, "kernels", name)
            os.makedirs(spec)
            with open(os.path.join(spec, "kernel.json"), "w") as f:
                json.dump({"argv": ["dotnet", DLL, "-f", "{connection_file}"], "display_name": name,
                           "language": "csharp", "env": env}, f)
        os.environ["JUPYTER_PATH"] = prefix + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        results = [measure("musiclm-roslyn", CSHARP, args.rounds, True),
                   measure("musiclm-basic", CSHARP, args.rounds, False),
                   measure("python3", PYTHON, args.rounds, False)]
    for r in results:
        ready = "" if r["roslyn_ready_ms"] is None else f"  Roslyn ready {r['roslyn_ready_ms']:7.0f} ms after the first cell"
        print(f"{r['kernel']:15} first cell {r['first_cell_ms']:6.0f} ms, second {r['second_cell_ms']:6.0f} ms{ready}")
        print(f"{'':15} completion: first after a new cell {r['first_completion_ms']:6.1f} ms ({r['first_completer']}), "
              f"later median {r['later_median_ms']:6.1f} ms, p90 {r['later_p90_ms']:6.1f} ms (n={r['n']}), "
              f"typing on in a word median {r['typing_median_ms']:6.1f} ms (n={r['typing_n']}); resident memory {r['rss_mb']} MB")
    base = {r["kernel"]: r for r in results}
    print(f"later median, Roslyn / basic: {base['musiclm-roslyn']['later_median_ms'] / base['musiclm-basic']['later_median_ms']:.2f}; "
          f"Roslyn / ipykernel: {base['musiclm-roslyn']['later_median_ms'] / base['python3']['later_median_ms']:.2f}")


if __name__ == "__main__":
    main()
