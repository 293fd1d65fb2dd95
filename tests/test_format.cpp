// format_fixed: printf's "%.*f" into a std::string of any length.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "sla_planner/util/format.hpp"

using sla_planner::format_fixed;

TEST_CASE("format_fixed prints like %.Nf") {
  CHECK(format_fixed(3.14159, 2) == "3.14");
  CHECK(format_fixed(2.005, 3) == "2.005");
  CHECK(format_fixed(-0.125, 2) == "-0.12");  // 0.125 is exact: a tie, rounded to even
  CHECK(format_fixed(99.95, 1) == "100.0");   // the double nearest 99.95 is 99.9500000000000028
  CHECK(format_fixed(7, 0) == "7");
  CHECK(format_fixed(std::numeric_limits<double>::quiet_NaN(), 2) == "nan");
  CHECK(format_fixed(-std::numeric_limits<double>::infinity(), 2) == "-inf");
}

TEST_CASE("format_fixed is not truncated for huge values") {
  const std::string s = format_fixed(1e300, 2);
  CHECK(s.size() == 301 + 3);  // 301 digits, the point, two decimals
  CHECK(s.substr(0, 4) == "1000");
  CHECK(s.substr(s.size() - 3) == ".00");
}
