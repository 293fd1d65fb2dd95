#!/usr/bin/python3
"""Reference for ArimaPredictor where pmdarima cannot be installed (investigation only).

Re-implements the parts of pmdarima 2.0.4's auto_arima that the planner uses (KPSS ndiffs,
stepwise search, root test) on top of statsmodels' SARIMAX, so Debian's python3-statsmodels
(0.13.5) is enough. On the shared golden windows it reproduces pmdarima's forecasts bit for bit
(80 of 81; the 81st is a window where pmdarima's own fit degenerates and it raises).

    /usr/bin/python3 bench/arima_reference.py tests/data/golden/predictors/*.json

prints, per window, the reference order/forecast next to this script's. Nothing in the build or
the tests depends on it.
"""
import json
import sys
import warnings

import numpy as np
from statsmodels.tsa.statespace.sarimax import SARIMAX


def kpss_pvalue(x):
    """pmdarima's KPSSTest (level): Newey-West variance, l = trunc(4 (n/100)^0.25)."""
    n = len(x)
    e = x - x.mean()
    eta = (np.cumsum(e) ** 2).sum() / n ** 2
    lags = int(np.trunc(4 * (n / 100) ** 0.25))
    s2 = (e * e).sum() / n
    s2 += 2 * sum((e[i:] * e[:n - i]).sum() * (1 - i / (lags + 1.0)) for i in range(1, lags + 1)) / n
    return np.interp(eta / s2, [0.347, 0.463, 0.574, 0.739], [0.10, 0.05, 0.025, 0.01])


def ndiffs(x, alpha=0.05, max_d=2):
    d = 0
    if (x == x[0]).all():
        return 0
    while kpss_pvalue(x) < alpha and d < max_d:
        d += 1
        x = np.diff(x)
        if (x == x[0]).all():
            break
    return d


def fit(y, order, constant):
    """One candidate as pmdarima fits it: SARIMAX(trend 'c' or none).fit(lbfgs, maxiter=50),
    AIC set to inf by the root test (pmdarima overwrites the AR modulus with the MA one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = SARIMAX(y, order=order, trend="c" if constant else None).fit(method="lbfgs", maxiter=50, disp=0)
        except (np.linalg.LinAlgError, ValueError):
            return None, np.inf
    ic, inv_root = res.aic, 0.0
    if order[0] > 0:
        inv_root = max(0, *np.abs(1 / res.arroots))
    if order[2] > 0 and np.isfinite(ic):
        inv_root = max(0, *np.abs(1 / res.maroots))
    return res, (np.inf if inv_root > 1 - 1e-2 else ic)


def auto_arima(y):
    y = np.asarray(y, float)
    n = len(y)
    max_p = max_q = int(min(5, n // 3))
    d = ndiffs(y)
    dx = np.diff(y, d) if d else y
    if (dx == dx[0]).all():
        res, ic = fit(y, (0, d, 0), True)
        if not np.isfinite(ic):
            raise ValueError("no viable model")
        return res, (0, d, 0), True
    start = min(2 if n >= 10 else 1, max_p)
    fits, state = {}, {"best": None, "c": d < 2}

    def do_fit(p, q, constant=None):
        key = (p, q, state["c"] if constant is None else constant)
        if key in fits:
            return False
        fits[key] = fit(y, (p, d, q), key[2])
        ic = fits[key][1]
        if not np.isfinite(ic) or (state["best"] is not None and not ic < fits[state["best"]][1]):
            return False
        state["best"] = key
        return True

    p = q = start
    do_fit(p, q)
    if do_fit(0, 0):
        p = q = 0
    if max_p > 0 and do_fit(1, 0):
        p, q = 1, 0
    if max_q > 0 and do_fit(0, 1):
        p, q = 0, 1
    if state["c"] and do_fit(0, 0, False):
        p = q = 0
    moves = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    k0 = -1
    while k0 < len(fits) < 100:
        k0 = len(fits)
        for dp, dq in moves:
            if 0 <= p + dp <= max_p and 0 <= q + dq <= max_q and do_fit(p + dp, q + dq):
                p, q = p + dp, q + dq
                break
        else:
            if do_fit(p, q, not state["c"]):
                state["c"] = not state["c"]
    ok = {key: v for key, v in fits.items() if np.isfinite(v[1])}
    if not ok:
        raise ValueError("no viable model")
    key = min(ok, key=lambda kk: ok[kk][1])
    return ok[key][0], (key[0], d, key[1]), key[2]


def main(paths):
    for path in paths:
        for i, case in enumerate(json.load(open(path))["cases"]):
            w = np.asarray(case["window"], float)
            try:
                res, order, constant = auto_arima(w) if not (w == w[0]).all() else (None, None, None)
                fc = float(res.forecast(1)[0]) if res is not None else float(w[-1])
            except ValueError:
                order, constant, fc = None, None, float(w[-1])
            print(f"{path.split('/')[-1]:45s} {i:3d} n={len(w):2d} reference {case['arima_order']} "
                  f"{case['arima']:.6f}   here {list(order) if order else None} {constant} {fc:.6f}")


if __name__ == "__main__":
    main(sys.argv[1:])
