// sla_planner tools — multi-panel line and bar charts with PLplot (cairo driver: PNG or SVG).
// SPDX-License-Identifier: Apache-2.0
//
// A thin layer over PLplot's C API (https://plplot.sourceforge.net/docbook-manual/): each panel has
// a title, axis labels, lines on a left axis and optionally on a right axis, bars, a light grid
// and a legend. The file is written to a temporary name and renamed when complete.
#pragma once

#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/png_writer.hpp"

namespace sla_tools {

/// Colours (Okabe–Ito, distinguishable with colour-vision deficiencies).
enum PlotColor : int { kBlack = 1, kBlue = 2, kOrange = 3, kGreen = 4, kVermillion = 5, kPurple = 6, kSky = 7, kGrid = 8 };
/// Line styles: PLplot pattern numbers.
enum LineStyle : int { kSolid = 1, kDashed = 3, kDotted = 2, kDashDot = 5 };

/// One line (or step line) of a panel.
struct PlotLine {
  std::vector<double> x, y;
  std::string label;
  int color = kBlue;
  int style = kSolid;
  double width = 2.0;
  bool step = false;        ///< draw as a staircase (value holds until the next x)
  bool right_axis = false;  ///< use the panel's right y axis
  std::string marker{};     ///< empty: a line; else only the points, drawn as this glyph (UTF-8, e.g. "●")
  double marker_size = 1.0; ///< glyph scale for markers
  std::vector<std::string> point_labels{};  ///< markers only: text right of each point ("" for none)
};

/// Bars at integer positions 0..n-1 with category labels below.
struct PlotBars {
  std::vector<double> values;
  std::vector<std::string> categories;
  int color = kBlue;
};

/// One panel of a figure.
struct PlotPanel {
  std::string title, xlabel, ylabel, ylabel_right;
  std::vector<PlotLine> lines;
  PlotBars bars;               ///< used when `bars.values` is not empty (then lines are ignored)
  bool y_from_zero = true;     ///< include 0 in the left y range
  double x_min = std::numeric_limits<double>::quiet_NaN();  ///< fixed x range when both are finite
  double x_max = std::numeric_limits<double>::quiet_NaN();
  std::string legend_position = "top-left";  ///< "top-left", "top-right", "bottom-right", "none"
};

namespace detail {
/// Tick labels without PLplot's "(x10^n)" exponent: 1.5M, 800k, 0.25.
inline void si_label(PLINT, PLFLT value, char* out, PLINT len, PLPointer) {
  const double a = std::fabs(value);
  if (a >= 1e9) std::snprintf(out, static_cast<std::size_t>(len), "%gG", value / 1e9);
  else if (a >= 1e6) std::snprintf(out, static_cast<std::size_t>(len), "%gM", value / 1e6);
  else if (a >= 1e4) std::snprintf(out, static_cast<std::size_t>(len), "%gk", value / 1e3);
  else std::snprintf(out, static_cast<std::size_t>(len), "%g", std::fabs(value) < 1e-12 ? 0.0 : value);
}

inline void range(const std::vector<PlotLine>& lines, bool right, double& lo, double& hi, bool x) {
  lo = std::numeric_limits<double>::infinity();
  hi = -lo;
  for (const auto& l : lines) {
    if (l.right_axis != right && !x) continue;
    for (double v : x ? l.x : l.y)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
}
inline void pad(double& lo, double& hi, bool from_zero) {
  if (from_zero) lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + 1;
  hi += (hi - lo) * 0.08;
}
inline void draw_line(const PlotLine& l, double xlo = 0, double xhi = 0) {
  plcol0(l.color);
  if (!l.marker.empty()) {
    for (std::size_t i = 0; i < l.x.size() && i < l.y.size(); ++i) {
      if (!std::isfinite(l.x[i]) || !std::isfinite(l.y[i])) continue;
      PLFLT x = l.x[i], y = l.y[i];
      plschr(0, 0.75 * l.marker_size);
      plstring(1, &x, &y, l.marker.c_str());
      if (i < l.point_labels.size() && !l.point_labels[i].empty()) {
        plschr(0, 0.6);  // right of the point, or left of it near the right edge of [xlo, xhi]
        plptex(x, y, 1, 0, xhi > xlo && x > xlo + 0.8 * (xhi - xlo) ? 1.25 : -0.25, l.point_labels[i].c_str());
      }
    }
    plschr(0, 0.75);
    return;
  }
  pllsty(l.style);
  plwidth(l.width);
  std::vector<double> x, y;
  for (std::size_t i = 0; i < l.x.size() && i < l.y.size(); ++i) {
    if (l.step && i > 0) {
      x.push_back(l.x[i]);
      y.push_back(l.y[i - 1]);
    }
    x.push_back(l.x[i]);
    y.push_back(l.y[i]);
  }
  if (x.size() >= 2) plline(static_cast<PLINT>(x.size()), x.data(), y.data());
  else if (x.size() == 1) plpoin(1, x.data(), y.data(), 17);
  pllsty(1);
  plwidth(1.0);
}
inline void legend(const PlotPanel& p) {
  if (p.legend_position == "none" || p.lines.empty()) return;
  const int n = static_cast<int>(p.lines.size());
  std::vector<PLINT> opt(n, PL_LEGEND_LINE), tcol(n, kBlack), lcol(n), lsty(n), zero(n, 0), scol(n), snum(n, 1);
  std::vector<PLFLT> lw(n), fzero(n, 0.0), sscale(n, 1.0);
  std::vector<const char*> text(n), sym(n, "");
  for (int i = 0; i < n; ++i) {
    lcol[i] = scol[i] = p.lines[i].color;
    lsty[i] = p.lines[i].style;
    lw[i] = p.lines[i].width;
    text[i] = p.lines[i].label.c_str();
    if (!p.lines[i].marker.empty()) {  // a scatter: its glyph in the legend
      opt[i] = PL_LEGEND_SYMBOL;
      sym[i] = p.lines[i].marker.c_str();
      sscale[i] = 0.7 * p.lines[i].marker_size;
    }
  }
  // One row above the plot area, under the title, so that it never hides data.
  const PLINT pos = PL_POSITION_OUTSIDE | PL_POSITION_TOP;
  PLFLT w = 0, h = 0;
  plwind(0, 1, 0, 1);  // legend placement is in normalised viewport coordinates
  plschr(0, 0.75);
  // pllegend sizes every column for the widest label: more than two entries go on two rows
  const PLINT ncol = n > 2 ? (n + 1) / 2 : n, nrow = (n + ncol - 1) / ncol;
  pllegend(&w, &h, 0, pos, 0.0, 0.01, 0.04, 0, 0, 1, nrow, ncol, n, opt.data(), 0.6, 0.7, 1.3, 0.0, tcol.data(), text.data(),
           nullptr, nullptr, nullptr, nullptr, lcol.data(), lsty.data(), lw.data(), scol.data(), sscale.data(), snum.data(),
           sym.data());
  plschr(0, 0.75);
}
inline void panel(const PlotPanel& p, double x0, double x1, double y0, double y1) {
  plvpor(x0, x1, y0, y1);
  plschr(0, 0.75);
  plslabelfunc(si_label, nullptr);
  if (!p.bars.values.empty()) {
    const auto& b = p.bars;
    double hi = 0;
    for (double v : b.values)
      if (std::isfinite(v)) hi = std::max(hi, v);
    if (hi <= 0) hi = 1;
    const double n = static_cast<double>(b.values.size());
    plwind(-0.6, n - 0.4, 0, hi * 1.12);
    plcol0(kGrid);
    plbox("", 0, 0, "g", 0, 0);
    plcol0(kBlack);
    plbox("bc", 0, 0, "bcnostv", 0, 0);
    for (std::size_t i = 0; i < b.values.size(); ++i) {
      const double xi = static_cast<double>(i);
      PLFLT xs[4] = {xi - 0.3, xi - 0.3, xi + 0.3, xi + 0.3}, ys[4] = {0, b.values[i], b.values[i], 0};
      plcol0(b.color);
      plfill(4, xs, ys);
      plcol0(kBlack);
      plline(4, xs, ys);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.3g", b.values[i]);
      plptex(xi, b.values[i] + hi * 0.045, 1, 0, 0.5, buf);  // centred on y: clear of the bar
      if (i < b.categories.size()) plmtex("b", 1.5, (xi + 0.6) / (n - 0.4 + 0.6), 0.5, b.categories[i].c_str());
    }
    plcol0(kBlack);
    pllab("", p.ylabel.c_str(), p.title.c_str());
    plmtex("b", 3.2, 0.5, 0.5, p.xlabel.c_str());
    return;
  }
  double xlo, xhi, ylo, yhi;
  range(p.lines, false, xlo, xhi, true);
  range(p.lines, false, ylo, yhi, false);
  if (std::isfinite(p.x_min) && std::isfinite(p.x_max)) xlo = p.x_min, xhi = p.x_max;
  if (xhi <= xlo) xhi = xlo + 1;
  pad(ylo, yhi, p.y_from_zero);
  plwind(xlo, xhi, ylo, yhi);
  plcol0(kGrid);
  plbox("g", 0, 0, "g", 0, 0);
  plcol0(kBlack);
  const bool has_right = std::any_of(p.lines.begin(), p.lines.end(), [](const PlotLine& l) { return l.right_axis; });
  plbox("bcnost", 0, 0, has_right ? "bnostv" : "bcnostv", 0, 0);
  plmtex("b", 3.0, 0.5, 0.5, p.xlabel.c_str());
  plmtex("l", 5.2, 0.5, 0.5, p.ylabel.c_str());
  plschr(0, 0.9);
  plmtex("t", 3.4, 0.5, 0.5, p.title.c_str());
  plschr(0, 0.75);
  for (const auto& l : p.lines)
    if (!l.right_axis) draw_line(l, xlo, xhi);
  if (has_right) {
    double rlo, rhi;
    range(p.lines, true, rlo, rhi, false);
    pad(rlo, rhi, true);
    plwind(xlo, xhi, rlo, rhi);
    plcol0(kBlack);
    plbox("", 0, 0, "cmostv", 0, 0);
    plmtex("r", 3.6, 0.5, 0.5, p.ylabel_right.c_str());
    for (const auto& l : p.lines)
      if (l.right_axis) draw_line(l);
  }
  legend(p);
}
}  // namespace detail

/// The file name of `path` without its folders, for a figure title.
inline std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Renders `panels` on a rows × cols grid into `path` (PNG, or SVG when it ends in ".svg"),
/// `width` × `height` pixels. The file appears complete or not at all. PNGs are rendered in memory
/// by PLplot's memcairo device and encoded with zlib (write_png_rgb), which is faster than cairo's
/// own PNG writer.
/// \throws UsageError for another extension, sla_planner::DataError when the file cannot be written
inline void render_figure(const std::string& path, int width, int height, int rows, int cols,
                          const std::vector<PlotPanel>& panels, const std::string& suptitle = "") {
  auto ends_with = [&](const char* s) {
    const std::string e(s);
    return path.size() >= e.size() && std::equal(e.rbegin(), e.rend(), path.rbegin(),
                                                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
  };
  const char* device = ends_with(".png") ? "pngcairo" : ends_with(".svg") ? "svgcairo" : nullptr;
  if (!device) throw UsageError("plot file '" + path + "' must end in .png or .svg");
  OutputFile out(path);
  // PNG: render into memory (memcairo) and encode here; SVG: cairo writes the temporary by name.
  std::vector<unsigned char> pixels;
  if (std::string(device) == "pngcairo") {
    pixels.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4, 255);
    plsdev("memcairo");
    plsmema(width, height, pixels.data());
  } else {
    out.stream().close();
    plsdev(device);
    plsfnam(out.temp_path().c_str());
    const std::string geometry = std::to_string(width) + "x" + std::to_string(height);
    plsetopt("geometry", geometry.c_str());
  }
  // Palette: 0 background (white), then the Okabe–Ito colours and a light grid grey.
  PLINT r[] = {255, 0, 0, 230, 0, 213, 204, 86, 215};
  PLINT g[] = {255, 0, 114, 159, 158, 94, 121, 180, 215};
  PLINT b[] = {255, 0, 178, 0, 115, 0, 167, 233, 215};
  plscmap0n(16);
  plscmap0(r, g, b, 9);
  plinit();
  pladv(0);
  plfont(1);
  const double top = suptitle.empty() ? 0.97 : 0.93;
  if (!suptitle.empty()) {
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(kBlack);
    plschr(0, 1.2);
    plptex(0.5, 0.965, 1, 0, 0.5, suptitle.c_str());
  }
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const int row = static_cast<int>(i) / cols, col = static_cast<int>(i) % cols;
    const double cw = 1.0 / cols, ch = top / rows;
    const double x0 = col * cw + 0.08, x1 = (col + 1) * cw - 0.06;
    const double y1 = top - row * ch - 0.1, y0 = top - (row + 1) * ch + 0.07;
    detail::panel(panels[i], x0, x1, y0, y1);
  }
  plend();
  if (!pixels.empty()) write_png_rgb(out.stream(), pixels.data(), width, height);
  out.commit();
}

}  // namespace sla_tools
