#!/usr/bin/env python3
"""Where a process's CPU goes, from `perf script` output (perf record -g, DOTNET_PerfMapEnabled=1).

Each sample is credited to the area of the deepest (closest to the leaf) frame that names one, so
the areas add up to all sampled CPU: managed code by namespace, plus the GC, the kernel (network
stack, scheduler) and the runtime's native code. Prints the areas and the top leaf symbols.
usage: perf_summary.py perf.txt [top]
"""
import re
import sys
from collections import Counter

from shares import MANAGED_AREAS, print_shares

AREAS = [
    ("GC", ("gc_heap", "WKS::", "SVR::", "GCHeap", "memset_repmovs", "GCToEEInterface", "mark_object", "plan_phase", "Allocate")),
    *MANAGED_AREAS,
    ("tasks / thread pool / timers", ("System.Threading", "System.Runtime.CompilerServices")),
    ("other managed BCL", ("System.",)),
]


def area(frames):
    for sym, dso in frames:
        for name, keys in AREAS:
            if any(k in sym for k in keys):
                return name
    leaf_sym, leaf_dso = frames[0] if frames else ("?", "?")
    if "kernel" in leaf_dso or leaf_sym.startswith(("__", "tcp_", "sock_", "ep_", "syscall", "entry_SYSCALL", "do_syscall")):
        return "kernel (network stack, scheduler, syscalls)"
    if "libcoreclr" in leaf_dso or "libclrjit" in leaf_dso:
        return "runtime native (coreclr, JIT)"
    if "libc" in leaf_dso or "libpthread" in leaf_dso:
        return "libc"
    return "other native"


def main():
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    areas, leaves, inclusive = Counter(), Counter(), Counter()
    total = 0
    frames = []
    frame_re = re.compile(r"^\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$")
    with open(sys.argv[1], errors="replace") as f:
        for line in list(f) + ["\n"]:
            if line.strip() == "":
                if frames:
                    total += 1
                    areas[area(frames)] += 1
                    for name, keys in AREAS:
                        if any(any(k in sym for k in keys) for sym, _ in frames):
                            inclusive[name] += 1
                    leaves[frames[0][0][:140]] += 1
                frames = []
                continue
            m = frame_re.match(line)
            if m:
                sym = re.sub(r"\+0x[0-9a-f]+$", "", m.group(1))
                frames.append((sym, m.group(2)))
    if not total:
        print("no samples")
        return
    print(f"{total} samples; by area of the deepest frame that names one (adds up to 100%):")
    print_shares(areas, total)
    print("inclusive (samples with the area anywhere on the stack):")
    print_shares(inclusive, total)
    print(f"top {top} leaf symbols:")
    print_shares(leaves, total, top)


if __name__ == "__main__":
    main()
