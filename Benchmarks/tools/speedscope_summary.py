#!/usr/bin/env python3
"""Where the time goes in a dotnet-trace speedscope file (sampled thread time).

Only slices the sampler marks CPU_TIME (running managed code) count, minus known spin-waits; time
in native code (syscalls, the GC, and every blocked thread) is left out, so this is the split of
managed CPU, not of all CPU.
Each counted slice is credited to the area of the deepest frame that matches an area below, so
the areas add up to the busy time. Prints the areas and the top leaf frames.
usage: speedscope_summary.py trace.speedscope.json [top]
"""
import json
import sys
from collections import Counter

from shares import MANAGED_AREAS, print_shares

AREAS = [
    *MANAGED_AREAS,
    ("DI / options", ("Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Options")),
    ("tasks / thread pool", ("System.Threading", "System.Runtime.CompilerServices")),
    ("collections / strings / other BCL", ("System.",)),
]

WAITS = ("LowLevelLifoSemaphore", "WaitHandle.Wait", "Monitor.Wait", "Thread.Sleep", "SocketAsyncEngine.EventLoop",
         "WaitForSignal", "TimerQueue", "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait", "Interop+Sys.WaitForSocketEvents",
         "PortableThreadPool+GateThread", "Thread.Join", "LowLevelSpinWaiter", "Task.SpinThenBlockingWait", "Console",
         "WaitSubsystem", "EventPipe", "DiagnosticServer", "FinalizerThread", "WaitOne")


def area_of(stack, names):
    for index in reversed(stack):
        name = names[index]
        for area, prefixes in AREAS:
            if any(p in name for p in prefixes):
                return area
    return "native / runtime (no managed frame)"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    data = json.load(open(path))
    names = [f["name"] for f in data["shared"]["frames"]]
    areas, leaves = Counter(), Counter()
    busy = waiting = 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if last is not None and stack and at > last:
                span = at - last
                joined = " ".join(names[i] for i in stack)
                pseudo = names[stack[-1]]
                real = [i for i in stack if names[i] not in ("CPU_TIME", "UNMANAGED_CODE_TIME")]
                leaf = names[real[-1]] if real else pseudo
                # CPU_TIME: running managed code. UNMANAGED_CODE_TIME: in native code, which is also where waits park.
                parked = pseudo != "CPU_TIME" or any(w in joined for w in WAITS)
                if parked:
                    waiting += span
                else:
                    busy += span
                    areas[area_of(stack, names)] += span
                    leaves[leaf + ("  [native]" if pseudo == "UNMANAGED_CODE_TIME" else "")] += span
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    print(f"managed CPU time {busy:.0f} ms (native or waiting, left out: {waiting:.0f} ms)")
    print("\nby area (deepest matching frame):")
    print_shares(areas, busy)
    print(f"\ntop {top} leaf frames:")
    print_shares(leaves, busy, top, width=150)


if __name__ == "__main__":
    main()
