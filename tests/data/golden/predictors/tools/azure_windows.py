# Prints the planner-style windows of the Azure conversation trace as JSON: request counts per
# 60 s interval (interval = floor((t - t_first) / 60 s)), leading zeros skipped, last 50 values,
# one window per interval from 5 values on. Input: AzureLLMInferenceTrace_conv.csv (shared/traces).
import csv, json, sys
from datetime import datetime
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
ts = [datetime.strptime(r["TIMESTAMP"].strip()[:26], "%Y-%m-%d %H:%M:%S.%f").timestamp() for r in rows]
t0 = min(ts)
counts = {}
for t in ts:
    counts[int((t - t0) // 60)] = counts.get(int((t - t0) // 60), 0) + 1
series = [counts.get(i, 0) for i in range(max(counts) + 1)]
buf, windows = [], []
for v in series:
    if not buf and v == 0:
        continue
    buf = (buf + [v])[-50:]
    if len(buf) >= 5:
        windows.append(list(buf))
json.dump({"trace": "AzureLLMInferenceTrace_conv.csv", "adjustment_interval": 60, "window_size": 50,
           "series": "request count per interval", "windows": windows}, sys.stdout)
