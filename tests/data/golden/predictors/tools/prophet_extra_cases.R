# Makes ../prophet/extra_cases.json: R prophet 1.0 (Debian r-cran-prophet) forecasts for the unit
# tests of ProphetPredictor that the shared golden windows do not cover (clamping, hourly points that
# switch daily seasonality on, a user seasonality). Data tooling only; CI never runs it.
#   Rscript prophet_extra_cases.R > ../prophet/extra_cases.json
suppressMessages(library(prophet)); suppressMessages(library(jsonlite))
start <- as.POSIXct("2024-01-01 00:00:00", tz = "UTC")
fit_case <- function(name, y, step = 1, seas = NULL) {
  n <- length(y)
  df <- data.frame(ds = start + (0:(n - 1)) * step, y = y)
  m <- prophet(fit = FALSE)
  if (!is.null(seas)) m <- add_seasonality(m, name = seas$name, period = seas$period_seconds / 86400,
                                           fourier.order = seas$order)
  m <- suppressMessages(fit.prophet(m, df))
  fc <- predict(m, data.frame(ds = start + n * step))
  list(name = name, window = y, step_seconds = step, seasonality = seas,
       seasonalities = as.list(names(m$seasonalities)), prophet = fc$yhat[1])
}
cases <- list()
cases[[1]] <- fit_case("falling", c(100, 90, 70, 45, 20, 8))
cases[[2]] <- fit_case("nan_as_zero", c(12, 0, 15, 18, 16, 20))
y12 <- round(100 + 30 * sin(2 * pi * (0:47) / 12 + 0.3), 6)
cases[[3]] <- fit_case("cycle12_user_seasonality", y12, 1, list(name = "cycle", period_seconds = 12, order = 1))
cases[[4]] <- fit_case("cycle12_default", y12)
set.seed(1)
yh <- round(50 + 20 * sin(2 * pi * (0:48) / 24) + (0:48) * 0.3 + rnorm(49), 3)
cases[[5]] <- fit_case("hourly_49_points_daily_on", yh, 3600)
cases[[6]] <- fit_case("hourly_48_points_daily_off", yh[1:48], 3600)
cat(toJSON(list(tool = "R prophet 1.0 (r-cran-prophet), default prophet(), ds = 2024-01-01 00:00:00 UTC + i * step_seconds, forecast for the next step",
                cases = cases), digits = NA, auto_unbox = TRUE, null = "null"))
