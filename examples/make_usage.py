#!/usr/bin/env python3
"""Generates examples/usage.csv: 8 weeks of hourly GPUs in use for two GPU models.

Synthetic, made here (seeded, reproducible): a level that grows week over week, a daily
cycle (office-hours peak), a weekly cycle (quieter weekends), Gaussian noise and two
one-off spikes. A100-40GB behaves like a training cluster (high base, flatter day),
T4 like an inference fleet (strong daily swing). Values are whole GPUs, never negative.
Run: python3 examples/make_usage.py > examples/usage.csv
"""
import math
import random
from datetime import datetime, timedelta, timezone

START = datetime(2026, 9, 28, tzinfo=timezone.utc)   # a Monday
HOURS = 8 * 7 * 24
rng = random.Random(20261123)

MODELS = {
    # name: (base GPUs, growth per week, daily amplitude share, peak hour UTC,
    #        weekend factor, noise sd)
    "A100-40GB": (40.0, 0.015, 0.20, 15, 0.70, 2.5),
    "T4": (24.0, 0.010, 0.45, 18, 0.85, 1.2),
}
SPIKES = {"A100-40GB": [(20 * 24 + 10, 6, 24.0)], "T4": [(41 * 24 + 19, 3, 14.0)]}

print("timestamp,gpu_model,gpus")
for h in range(HOURS):
    t = START + timedelta(hours=h)
    for name, (base, growth, amp, peak, weekend, sd) in MODELS.items():
        level = base * (1 + growth) ** (h / 168.0)
        daily = 1 + amp * math.cos(2 * math.pi * (t.hour - peak) / 24.0)
        week = weekend if t.weekday() >= 5 else 1.0
        v = level * daily * week + rng.gauss(0, sd)
        for start, length, extra in SPIKES[name]:
            if start <= h < start + length:
                v += extra
        print("%s,%s,%d" % (t.strftime("%Y-%m-%dT%H:%M:%SZ"), name, max(0, round(v))))
