#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The dry run of NVIDIA Dynamo's Python SLA planner, for whole-process timing comparisons.

Same steps as the reference (planner_core.py dryrun_run with trace_data_extractor.py and
perf_interpolation.py): json.loads per trace line, group per interval, SciPy interpolators
(interp1d cubic prefill; griddata cubic decode grids with nearest fill), the constant predictor,
the replica formulas, the safe limits; then the series as JSON (instead of the matplotlib plot).
Interior empty intervals are kept with the previous ISL/OSL, as sla_planner does, so that both
produce the same series. Used only for timing (bench/README.md), never by the tests:

    hyperfine -N --warmup 2 \
      'python3 bench/planner_dryrun_reference.py --dataset tests/data/traces/rr-5-45_i3000o300.jsonl --output-json /tmp/py.json' \
      'build/tools/planner_dryrun --dataset tests/data/traces/rr-5-45_i3000o300.jsonl --load-predictor constant --ttft 200 --itl 10 --no-plot --output-json /tmp/cc.json'
"""
import argparse
import json
import math
from collections import defaultdict

import numpy as np
import scipy.interpolate


def load_metrics(path, interval):
    records = []
    with open(path) as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    groups = defaultdict(list)
    for r in records:
        groups[math.floor(r["timestamp"] / 1000 / interval)].append(r)
    first, last = min(groups), max(groups)
    out, prev = [], None
    for k in range(first, last + 1):
        g = groups.get(k, [])
        if g:
            prev = (sum(r["input_length"] for r in g) / len(g), sum(r["output_length"] for r in g) / len(g))
        out.append({"request_count": len(g), "avg_isl": prev[0], "avg_osl": prev[1]})
    return out


class Prefill:
    def __init__(self, d):
        with np.load(f"{d}/selected_prefill_interpolation/raw_data.npz") as p:
            self.isl, ttft, thpt = p["prefill_isl"], p["prefill_ttft"], p["prefill_thpt_per_gpu"]
        self.lo, self.hi = min(self.isl), max(self.isl)
        self.ttft = scipy.interpolate.interp1d(self.isl, ttft, kind="cubic")
        self.thpt = scipy.interpolate.interp1d(self.isl, thpt, kind="cubic")

    def interpolate_ttft(self, isl):
        return float(self.ttft(max(self.lo, min(isl, self.hi))))

    def interpolate_thpt_per_gpu(self, isl):
        return float(self.thpt(max(self.lo, min(isl, self.hi))))


class Decode:
    def __init__(self, d, res=100):
        with np.load(f"{d}/selected_decode_interpolation/raw_data.npz") as r:
            x, y, z_itl, z_thpt = r["x_kv_usage"], r["y_context_length"], r["z_itl"], r["z_thpt_per_gpu"]
        self.res = res
        self.xi = np.linspace(0, 1, res)
        self.yi = np.linspace(0, max(y), res)
        X, Y = np.meshgrid(self.xi, self.yi)
        grids = []
        for z in (z_itl, z_thpt):
            g = scipy.interpolate.griddata((x, y), z, (X, Y), method="cubic")
            nan = np.isnan(g)
            if nan.any():
                g[nan] = scipy.interpolate.griddata((x, y), z, (X, Y), method="nearest")[nan]
            grids.append(g)
        self.itl, self.thpt = grids

    def find_best_throughput_per_gpu(self, itl, context_length):
        iy = int(np.clip(np.round((context_length - self.yi[0]) / (self.yi[1] - self.yi[0])), 0, self.res - 1))
        for ix in range(self.res - 1, -1, -1):
            if self.itl[iy, ix] <= itl:
                return self.thpt[iy, ix], self.itl[iy, ix], self.xi[ix]
        return self.thpt[iy, 0], self.itl[iy, 0], self.xi[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--profile-results-dir", default="profiling_results/H200_TP1P_TP1D")
    ap.add_argument("--ttft", type=float, default=200)
    ap.add_argument("--itl", type=float, default=10)
    ap.add_argument("--adjustment-interval", type=float, default=60)
    ap.add_argument("--max-gpu-budget", type=int, default=8)
    ap.add_argument("--min-endpoint", type=int, default=1)
    ap.add_argument("--output-json", required=True)
    a = ap.parse_args()
    I = a.adjustment_interval
    metrics = load_metrics(a.dataset, I)
    pre, dec = Prefill(a.profile_results_dir), Decode(a.profile_results_dir)

    def replicas(n, isl, osl):
        p = math.ceil(n * isl / I / pre.interpolate_thpt_per_gpu(isl))
        d = math.ceil(n * osl / I / dec.find_best_throughput_per_gpu(a.itl, isl + osl / 2)[0])
        p, d = max(p, a.min_endpoint), max(d, a.min_endpoint)
        if p + d > a.max_gpu_budget:
            scale = a.max_gpu_budget / (p + d)
            p = min(max(a.min_endpoint, math.floor(p * scale)), a.max_gpu_budget - a.min_endpoint)
            d = max(a.min_endpoint, a.max_gpu_budget - p)
        return p, d

    def safe_p(n, isl):
        return 0 if pre.interpolate_ttft(isl) > a.ttft else n * pre.interpolate_thpt_per_gpu(isl) * I

    def safe_d(n, isl, osl):
        thpt, itl, _ = dec.find_best_throughput_per_gpu(a.itl, isl + osl / 2)
        return 0 if itl > a.itl else n * thpt * I

    m0 = metrics[0]
    s = {k: [] for k in ["time", "rr", "est_rr", "isl", "est_isl", "osl", "est_osl", "num_p", "p_thpt",
                         "safe_p_thpt", "num_d", "d_thpt", "safe_d_thpt"]}
    last = (m0["request_count"], m0["avg_isl"], m0["avg_osl"])  # the constant predictor
    num_p, num_d = 1, 1
    for i, m in enumerate(metrics):
        if i == 0:
            est = last
        else:
            est = last
            num_p, num_d = replicas(*est)
            last = (m["request_count"], m["avg_isl"], m["avg_osl"])
        n, isl, osl = m["request_count"], m["avg_isl"], m["avg_osl"]
        for k, v in zip(s, [i * I, n, est[0], isl, est[1], osl, est[2], num_p, n * isl, safe_p(num_p, isl),
                            num_d, n * osl, safe_d(num_d, isl, osl)]):
            s[k].append(float(v))
    with open(a.output_json, "w") as f:
        json.dump({"series": s}, f)


if __name__ == "__main__":
    main()
