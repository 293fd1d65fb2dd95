# Adds R prophet 1.0's one-step forecast to each window of a JSON file made by azure_windows.py
# (points 1 s apart from 2024-01-01 00:00:00 UTC, default prophet(), next second) — the Python
# planner's use. Data tooling only; CI never runs it.
#   Rscript prophet_forecasts.R windows.json > ../prophet/azure_conv_request_counts.json
suppressMessages(library(prophet)); suppressMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
d <- fromJSON(args[1], simplifyVector = FALSE)
start <- as.POSIXct("2024-01-01 00:00:00", tz = "UTC")
cases <- lapply(d$windows, function(w) {
  y <- unlist(w); n <- length(y)
  m <- suppressMessages(prophet(data.frame(ds = start + (0:(n - 1)), y = y)))
  list(window = y, prophet = predict(m, data.frame(ds = start + n))$yhat[1])
})
d$windows <- NULL
d$cases <- cases
cat(toJSON(d, digits = NA, auto_unbox = TRUE))
