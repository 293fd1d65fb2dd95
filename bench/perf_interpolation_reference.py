#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The computation of perf_interpolation in Python/SciPy, for whole-process timing comparisons.

Same steps as NVIDIA Dynamo's perf_interpolation.py (interp1d cubic prefill; griddata cubic
decode grids with nearest-neighbour fill; top-down scan of the context row), same output text.
Used only by bench/README timing (hyperfine), never by the tests:

    hyperfine -N --warmup 3 \
      'python3 bench/perf_interpolation_reference.py --profile-results-dir profiling_results/H200_TP1P_TP1D' \
      'build/tools/perf_interpolation --profile-results-dir profiling_results/H200_TP1P_TP1D'
"""
import argparse

import numpy as np
import scipy.interpolate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile-results-dir", "--profile_results_dir", required=True)
    ap.add_argument("--isl", type=int, default=3000)
    ap.add_argument("--osl", type=int, default=150)
    ap.add_argument("--ttft", type=float, default=100.0)
    ap.add_argument("--itl", type=float, default=10.0)
    a = ap.parse_args()
    d = a.profile_results_dir

    with np.load(f"{d}/selected_prefill_interpolation/raw_data.npz") as p:
        isl, ttft, thpt = p["prefill_isl"], p["prefill_ttft"], p["prefill_thpt_per_gpu"]
    q = max(min(isl), min(a.isl, max(isl)))
    est_ttft = float(scipy.interpolate.interp1d(isl, ttft, kind="cubic")(q))
    est_thpt = float(scipy.interpolate.interp1d(isl, thpt, kind="cubic")(q))

    with np.load(f"{d}/selected_decode_interpolation/raw_data.npz") as r:
        x, y, z_itl, z_thpt = r["x_kv_usage"], r["y_context_length"], r["z_itl"], r["z_thpt_per_gpu"]
    xi = np.linspace(0, 1, 100)
    yi = np.linspace(0, max(y), 100)
    X, Y = np.meshgrid(xi, yi)
    grids = []
    for z in (z_itl, z_thpt):
        g = scipy.interpolate.griddata((x, y), z, (X, Y), method="cubic")
        nan = np.isnan(g)
        if nan.any():
            g[nan] = scipy.interpolate.griddata((x, y), z, (X, Y), method="nearest")[nan]
        grids.append(g)
    itl_grid, thpt_grid = grids
    ctx = a.isl + a.osl // 2
    iy = int(np.clip(np.round((ctx - yi[0]) / (yi[1] - yi[0])), 0, 99))
    ix = next((i for i in range(99, -1, -1) if itl_grid[iy, i] <= a.itl), 0)
    d_itl, d_thpt, kv = itl_grid[iy, ix], thpt_grid[iy, ix], xi[ix]

    print(f"ISL={a.isl}, OSL={a.osl}")
    print(f"TTFT={a.ttft:g}ms, ITL={a.itl:g}ms")
    print(f"Using profile results from {d}\n")
    print("Interpolating prefill performance ...")
    if est_ttft <= a.ttft:
        print(f"        Estimated TTFT={est_ttft:.2f}ms <= target TTFT={a.ttft:.2f}ms. Requests can queue "
              f"{a.ttft - est_ttft:.2f}ms maximally while meeting TTFT SLA.")
    else:
        print(f"        Estimated TTFT={est_ttft:.2f}ms > target TTFT={a.ttft:.2f}ms. Cannot meet TTFT SLA.")
    print(f"        Estimated throughput: {est_thpt:.2f} tokens/s/gpu. Request rate at {est_thpt / a.isl:.2f} "
          "requests/s will saturate one GPU.\n")
    print("Interpolating decode performance ...")
    print(f"        Average context length: isl + osl/2 = {ctx}.")
    if d_itl <= a.itl:
        print(f"        Estimated ITL={d_itl:.2f}ms <= target ITL={a.itl:.2f}ms at {kv * 100:.2f}% active kv usage.")
        print(f"        Estimated throughput: {d_thpt:.2f} token/s/gpu. Request rate at {d_thpt / a.osl:.2f} "
              "requests/s will saturate one GPU.")
    else:
        print(f"        Estimated ITL={d_itl:.2f}ms > target ITL={a.itl:.2f}ms. Cannot meet ITL SLA.")


if __name__ == "__main__":
    main()
