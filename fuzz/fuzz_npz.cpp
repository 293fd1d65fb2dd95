// libFuzzer target for the .npz reader (zip directory, stored and deflate members, .npy headers
// and data): any input either decodes into consistent arrays or throws DataError — never a crash,
// a sanitizer report, or an allocation beyond what the input can justify.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "sla_planner/formats/npz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto f = sla_planner::NpzFile::from_bytes("fuzz.npz", std::vector<unsigned char>(data, data + size));
    for (const auto& [key, a] : f.arrays()) {
      if (a.is_string()) continue;
      std::size_t n = 1;
      for (std::size_t d : a.shape) n *= d;
      if (n != a.size()) std::abort();  // shape and data must agree
      if (a.rows() > 0 && (a.row(0).size() != a.cols() || a.row(a.rows() - 1).size() != a.cols())) std::abort();
    }
  } catch (const sla_planner::DataError&) {
  }
  return 0;
}
