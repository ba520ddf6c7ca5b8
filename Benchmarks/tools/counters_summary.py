#!/usr/bin/env python3
"""Means of the dotnet-counters CSV columns that matter for the hot path (allocation, GC, CPU, thread pool)."""
import csv
import sys
from collections import defaultdict

values = defaultdict(list)
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        try:
            values[row["Counter Name"]].append(float(row["Mean/Increment"]))
        except (KeyError, ValueError):
            continue
for name, samples in sorted(values.items()):
    if samples:
        print(f"  {name}: mean {sum(samples) / len(samples):,.2f} (last {samples[-1]:,.2f}, {len(samples)} samples)")
