// Tests of the pieces behind ArimaPredictor against reference numbers computed with Debian's
// statsmodels 0.13.5 / SciPy 1.10.1 / NumPy 1.24 (pasted as literals; nothing here needs Python).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <tuple>
#include <vector>

#include "sla_planner/predict/detail/arma_transform.hpp"
#include "sla_planner/predict/detail/arima_state_space.hpp"
#include "sla_planner/predict/detail/auto_arima.hpp"
#include "sla_planner/predict/detail/kpss.hpp"
#include "sla_planner/predict/detail/lbfgs_fd.hpp"

using namespace sla_planner::detail;

namespace {

// The first 30 per-minute request counts of the mooncake conversation trace.
const std::vector<double> kSeries = {162, 177, 217, 175, 187, 164, 144, 183, 162, 179, 218, 186, 186, 204, 184,
                                     162, 189, 169, 190, 220, 203, 206, 218, 208, 172, 240, 179, 210, 216, 209};

std::vector<double> diff(const std::vector<double>& x) {
  std::vector<double> d;
  for (std::size_t i = 1; i < x.size(); ++i) d.push_back(x[i] - x[i - 1]);
  return d;
}

}  // namespace

TEST_CASE("KPSS level statistic and p-value match statsmodels.tsa.stattools.kpss", "[arima][kpss]") {
  // kpss(x, regression="c", nlags=int(4 * (n / 100) ** 0.25)) -> (statistic, p-value).
  const KpssResult k = kpss_level(kSeries);
  CHECK(k.lags == 2);
  CHECK(k.statistic == Approx(0.6575416996051129).epsilon(1e-13));
  CHECK(k.p_value == Approx(0.017405300035898828).epsilon(1e-12));
  const KpssResult kd = kpss_level(diff(kSeries));
  CHECK(kd.lags == 2);
  CHECK(kd.statistic == Approx(0.061775617249084314).epsilon(1e-12));
  CHECK(kd.p_value == 0.10);  // below the table: clamped at its largest p-value
  CHECK(std::isnan(kpss_level({}).p_value));
}

TEST_CASE("ndiffs differences until KPSS stops rejecting, at most max_d times", "[arima][kpss]") {
  CHECK(ndiffs_kpss(kSeries, 0.05, 2) == 1);  // p = 0.0174 at d = 0, 0.10 at d = 1
  // A drifting walk: p = 0.01 at d = 0, 0.0185 at d = 1 (statsmodels), so d = 2.
  const std::vector<double> walk = {100, 103, 101, 106, 110, 108, 115, 119, 118, 124,
                                    130, 127, 133, 139, 137, 144, 150, 149, 155, 161};
  CHECK(ndiffs_kpss(walk, 0.05, 2) == 2);
  CHECK(ndiffs_kpss(walk, 0.05, 1) == 1);
  CHECK(ndiffs_kpss(walk, 0.01, 2) == 0);  // p-values never fall below the table's 0.01
  // A ramp of 12 points (KPSS statistic 0.517, p = 0.0379) becomes constant after one difference;
  // a ramp of 8 (0.403, p = 0.076) is not rejected at all; a constant needs no difference.
  CHECK(kpss_level({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}).statistic == Approx(0.5168245264207377).epsilon(1e-12));
  CHECK(ndiffs_kpss({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 0.05, 2) == 1);
  CHECK(ndiffs_kpss({1, 2, 3, 4, 5, 6, 7, 8}, 0.05, 2) == 0);
  CHECK(ndiffs_kpss({5, 5, 5, 5}, 0.05, 2) == 0);
}

TEST_CASE("Monahan/Jones transform matches statsmodels and round-trips", "[arima][transform]") {
  std::vector<double> work;
  const double u[3] = {0.3, -1.2, 2.0};
  double c[3], back[3];
  constrain_stationary(u, 3, c, work);
  CHECK(c[0] == Approx(0.6205168759496746).epsilon(1e-14));
  CHECK(c[1] == Approx(0.7086514222431859).epsilon(1e-14));
  CHECK(c[2] == Approx(-0.8944271909999159).epsilon(1e-14));
  unconstrain_stationary(c, 3, back, work);
  for (int i = 0; i < 3; ++i) CHECK(back[i] == Approx(u[i]).epsilon(1e-12));
  const double phi[3] = {0.5, -0.3, 0.1};
  double v[3];
  unconstrain_stationary(phi, 3, v, work);
  CHECK(v[0] == Approx(-0.4095948053992017).epsilon(1e-13));
  CHECK(v[1] == Approx(0.2609836533310385).epsilon(1e-13));
  CHECK(v[2] == Approx(-0.10050378152592121).epsilon(1e-13));
}

TEST_CASE("inverse-root moduli match numpy.roots", "[arima][roots]") {
  const double a[2] = {1.6177, -0.9935};
  const double b[3] = {2.6181, -2.6113, 0.9931};
  const double c[4] = {0.5, -0.3, 0.2, -0.1};
  CHECK(max_inverse_root(a, 2) == Approx(0.9967447015158897).epsilon(1e-12));
  CHECK(max_inverse_root(b, 3) == Approx(0.9997333320751096).epsilon(1e-11));
  CHECK(max_inverse_root(c, 4) == Approx(0.5919627715856088).epsilon(1e-12));
  CHECK(max_inverse_root(c, 0) == 0.0);
  std::vector<double> work;
  CHECK(roots_inside(a, 2, 0.998, work));
  CHECK_FALSE(roots_inside(a, 2, 0.996, work));
}

TEST_CASE("log-likelihood and forecast at given parameters match statsmodels SARIMAX", "[arima][likelihood]") {
  struct Case {
    ArimaSpec spec;
    std::vector<double> params;
    double llf, forecast;
  };
  // SARIMAX(y, order, trend="c" or None).filter(params): llf and forecast(1).
  const std::vector<Case> cases = {
      {{1, 0, 1, true}, {60.0, 0.65, -0.3, 400.0}, -139.3937677450462, 190.7540272082486},
      {{2, 1, 0, false}, {-0.5, -0.25, 500.0}, -132.00210858281415, 211.0},
      {{0, 1, 1, false}, {-0.8, 450.0}, -130.88865308121336, 205.3051612399469},
      {{3, 1, 2, true}, {1.0, 0.2, -0.1, 0.05, -0.9, 0.3, 420.0}, -132.2460709903098, 210.7979487351275},
      {{0, 2, 1, true}, {0.1, -0.95, 600.0}, -137.74398444380256, 211.78587370427283},
      {{0, 0, 0, true}, {190.0, 420.0}, -135.73269095101566, 190.0},
      {{2, 0, 2, true}, {40.0, 0.5, 0.28, -0.2, 0.1, 380.0}, -136.13545554117078, 206.05672735779467},
      {{0, 2, 2, false}, {-1.2, 0.35, 700.0}, -133.01167156229008, 212.20800888306053},
      // Orders outside the compile-time kernels (d = 3; r = 7).
      {{0, 3, 1, true}, {0.2, -0.7, 900.0}, -174.3368919211088, 199.39552035855115},
      {{1, 0, 6, false}, {0.6, 0.3, -0.2, 0.1, 0.05, -0.05, 0.02, 500.0}, -278.586198249445, 150.3989300189671},
  };
  for (const Case& c : cases) {
    INFO("order (" << c.spec.p << "," << c.spec.d << "," << c.spec.q << ") constant " << c.spec.intercept);
    ArimaStateSpace m(kSeries, c.spec);
    CHECK(m.loglike(c.params.data()) == Approx(c.llf).epsilon(1e-11));
    CHECK(m.forecast(c.params.data()) == Approx(c.forecast).epsilon(1e-11));
  }
  // statsmodels skips periods whose prediction-error variance is below 1e-12: with
  // sigma2 = 1e-13 every period is skipped and the log-likelihood is exactly 0 (statsmodels too;
  // with 1e-12 it is -3.95e11 on its 6-point example).
  ArimaStateSpace tiny({1.0, 2.0, 1.5, 1.7, 1.2, 1.9}, {0, 0, 0, true});
  const double tiny_var[2] = {1.5, 1e-13};
  CHECK(tiny.loglike(tiny_var) == 0.0);
  CHECK(tiny.singular_periods() == 6);
  const double small_var[2] = {1.5, 1e-12};
  CHECK(tiny.loglike(small_var) == Approx(-394999999922.62054).epsilon(1e-12));
  CHECK(tiny.singular_periods() == 0);

  ArimaStateSpace m(kSeries, {1, 0, 0, false});
  const double explosive[2] = {1.0, 400.0};  // unit root: no stationary covariance
  CHECK(std::isnan(m.loglike(explosive)));
  const double no_variance[2] = {0.5, 0.0};
  CHECK(std::isnan(m.loglike(no_variance)));
}

TEST_CASE("starting values match statsmodels' SARIMAX.start_params", "[arima][start]") {
  struct Case {
    ArimaSpec spec;
    std::vector<double> start;
  };
  const std::vector<Case> cases = {
      {{1, 0, 1, true}, {69.09933215018339, 0.6413953638176639, -0.5830153980472086, 398.62692590815976}},
      {{2, 1, 0, false}, {-0.8244833895737638, -0.437486301564695, 413.42162056043924}},
      {{0, 1, 1, false}, {-0.7455044825781557, 581.6978959852793}},
      // Non-stationary AR / non-invertible MA estimates are replaced by zeros.
      {{3, 1, 2, true}, {4.6949174797242375, 0.0, 0.0, 0.0, 0.0, 0.0, 259.3165423996889}},
      {{0, 2, 1, true}, {-1.7143839156681786, 0.0, 1122.483624990229}},
      {{0, 0, 0, true}, {190.63333333333327, 491.2988888888888}},
      {{2, 0, 2, true}, {166.2519474294711, 0.8007699690752865, -0.6623764722382364, -0.83339002499772, 0.8704798425734952, 277.2702304432657}},
  };
  for (const Case& c : cases) {
    INFO("order (" << c.spec.p << "," << c.spec.d << "," << c.spec.q << ") constant " << c.spec.intercept);
    const std::vector<double> s = ArimaStateSpace(kSeries, c.spec).start_params();
    REQUIRE(s.size() == c.start.size());
    for (std::size_t i = 0; i < s.size(); ++i) CHECK(s[i] == Approx(c.start[i]).epsilon(1e-9).margin(1e-12));
  }
}

TEST_CASE("L-BFGS driver retraces scipy's fmin_l_bfgs_b(approx_grad=True)", "[arima][lbfgs]") {
  // fmin_l_bfgs_b(rosen, x0, approx_grad=True, epsilon=1e-5): final x, f, nit and funcalls
  // (each gradient costs n + 1 function calls, so evaluations = funcalls / (n + 1)).
  auto rosen = [](const Eigen::VectorXd& x) {
    double s = 0.0;
    for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
      s += 100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1.0 - x[i]) * (1.0 - x[i]);
    return s;
  };
  LbfgsOptions opt;
  opt.max_iterations = 1000;
  Eigen::VectorXd x(2);
  x << -1.2, 1.0;
  LbfgsResult r = minimize_lbfgs_fd(rosen, x, opt);
  CHECK(r.iterations == 37);
  CHECK(r.evaluations == 144 / 3);
  CHECK(r.converged());
  CHECK(x[0] == Approx(0.9970099044968653).epsilon(1e-9));
  CHECK(x[1] == Approx(0.9940237487827377).epsilon(1e-9));
  CHECK(r.f == Approx(8.943172000054855e-06).epsilon(1e-6));

  Eigen::VectorXd x5(5);
  x5 << -1.2, 1.0, -0.5, 0.8, 1.5;
  r = minimize_lbfgs_fd(rosen, x5, opt);
  CHECK(r.iterations == 47);  // (evaluations differ only in the last line search, at the noise floor)
  const double expect[5] = {0.9994645842498958, 0.9989366321148259, 0.9978851120573016, 0.9957819645966915,
                            0.9915767306681811};
  for (int i = 0; i < 5; ++i) CHECK(x5[i] == Approx(expect[i]).epsilon(1e-8));

  opt.max_iterations = 10;  // the iteration cap is a status, not an error
  x << -1.2, 1.0;
  r = minimize_lbfgs_fd(rosen, x, opt);
  CHECK(r.iterations == 10);
  CHECK(r.stop == LbfgsStop::MaxIterations);
  CHECK_FALSE(r.converged());

  x << 0.0, 0.0;  // infeasible start
  r = minimize_lbfgs_fd([](const Eigen::VectorXd&) { return std::nan(""); }, x, opt);
  CHECK(r.stop == LbfgsStop::NonFinite);
}

TEST_CASE("one ARIMA fit reproduces statsmodels' SARIMAX.fit(method='lbfgs', maxiter=50)", "[arima][fit]") {
  // The 50-point window of golden mooncake case 46, ARIMA(0,1,1) without constant.
  const std::vector<double> w = {177, 217, 175, 187, 164, 144, 183, 162, 179, 218, 186, 186, 204, 184, 162, 189, 169,
                                 190, 220, 203, 206, 218, 208, 172, 240, 179, 210, 216, 209, 235, 197, 194, 188, 225,
                                 208, 247, 176, 228, 234, 207, 234, 206, 224, 218, 215, 196, 230, 227, 235, 219};
  const ArimaFit f = fit_arima(w, ArimaSpec{0, 1, 1, false}, LbfgsOptions{});
  REQUIRE(f.ok);
  CHECK(f.optimizer.iterations == 6);
  CHECK(f.llf == Approx(-218.7113409023419).epsilon(1e-10));
  CHECK(f.aic == Approx(441.4226818046838).epsilon(1e-10));
  CHECK(f.params[0] == Approx(-0.8243419616376078).epsilon(1e-7));
  CHECK(f.params[1] == Approx(430.8913318932884).epsilon(1e-7));
  CHECK(f.forecast == Approx(220.55972060436912).epsilon(1e-9));
  CHECK(f.ic == f.aic);  // MA root 0.82 passes pmdarima's 0.99 root test
}

TEST_CASE("stepwise search visits models in pmdarima's order", "[arima][stepwise]") {
  // (p, q, constant) of every model pmdarima 2.0.4 fits, in order (golden mooncake case 30:
  // d = 1; golden sin case 3: 8 points, so the search starts at (1,0,1)).
  const std::vector<double> w30 = {162, 177, 217, 175, 187, 164, 144, 183, 162, 179, 218, 186,
                                   186, 204, 184, 162, 189, 169, 190, 220, 203, 206, 218, 208,
                                   172, 240, 179, 210, 216, 209, 235, 197, 194, 188, 225};
  const std::vector<std::array<int, 3>> trail30 = {{2, 2, 1}, {0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {0, 0, 0}, {2, 0, 1},
                                                   {3, 0, 1}, {2, 1, 1}, {1, 1, 1}, {3, 1, 1}, {2, 0, 0}, {1, 0, 0},
                                                   {3, 0, 0}, {2, 1, 0}, {1, 1, 0}, {0, 1, 0}, {0, 2, 0}, {1, 2, 0}};
  const std::vector<double> w3 = {388, 819, 1465, 2243, 2674, 2647, 2213, 1527};
  const std::vector<std::array<int, 3>> trail3 = {{1, 1, 1}, {0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {0, 0, 0}, {2, 0, 1},
                                                  {2, 1, 1}, {1, 0, 0}, {2, 0, 0}, {2, 1, 0}, {1, 1, 0}};
  for (const auto& [w, trail, d] : {std::make_tuple(w30, trail30, 1), std::make_tuple(w3, trail3, 0)}) {
    const AutoArimaResult res = auto_arima(w);
    CHECK(res.d == d);
    REQUIRE(res.fits.size() == trail.size());
    for (std::size_t i = 0; i < trail.size(); ++i) {
      INFO("fit " << i);
      CHECK(res.fits[i].spec.p == trail[i][0]);
      CHECK(res.fits[i].spec.d == d);
      CHECK(res.fits[i].spec.q == trail[i][1]);
      CHECK(res.fits[i].spec.intercept == (trail[i][2] == 1));
    }
  }
}
