// NpzFile and Profile::load on good and bad data: every failure is one line naming the file and
// the problem (fixtures made by tests/data/npz/make_fixtures.py with NumPy 1.24).
#include <catch2/catch.hpp>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/interp/decode_interpolator.hpp"
#include "sla_planner/formats/npz_file.hpp"
#include "sla_planner/profile/profile.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;
using sla_planner::test::data_path;
using sla_planner::test::profile_path;

namespace {
std::string npz(const std::string& name) { return data_path("npz/" + name); }

void check_good_arrays(const NpzFile& f) {
  CHECK(f.at("f8").dtype == "<f8");
  CHECK(f.at("f8").values == std::vector<double>{1.5, -2.25, 3e10});
  CHECK(f.at("f4").values == std::vector<double>{0.5, 1.25});
  const NpyArray& i8 = f.at("i8");
  CHECK(i8.shape == std::vector<std::size_t>{2, 3});
  CHECK(i8.row(1) == std::vector<double>{4, 5, 6});
  CHECK(f.at("i4").values == std::vector<double>{-7, 8});
  // Fortran order is converted to row-major.
  const NpyArray& fo = f.at("fortran");
  CHECK(fo.shape == std::vector<std::size_t>{2, 3});
  CHECK(fo.values == std::vector<double>{0, 1, 2, 3, 4, 5});
  CHECK(f.at("scalar").shape.empty());
  CHECK(f.at("scalar").values == std::vector<double>{42});
  CHECK(f.at("text").strings == std::vector<std::string>{"h100_sxm", "\xC2\xB5-gpu"});
}
}  // namespace

TEST_CASE("npz: stored and deflate-compressed archives read the same arrays") {
  const NpzFile stored = NpzFile::load(npz("good_stored.npz"));
  const NpzFile deflated = NpzFile::load(npz("good_deflate.npz"));
  check_good_arrays(stored);
  check_good_arrays(deflated);
  CHECK(stored.arrays().size() == 7);
  CHECK_THROWS_WITH(stored.at("nope"), npz("good_stored.npz") + ": missing array 'nope'");
}

TEST_CASE("npz: .npy format versions 1.0, 2.0 and 3.0") {
  const NpzFile f = NpzFile::load(npz("versions.npz"));
  for (const char* k : {"v1", "v2", "v3"}) CHECK(f.at(k).values == std::vector<double>{1.5, -2.25, 3e10});
}

TEST_CASE("npz: bad archives give one line naming the file and the problem") {
  struct Case {
    const char* file;
    const char* message;
  };
  const Case cases[] = {
      {"truncated.npz", "not a zip archive (no end-of-central-directory record; truncated or not an .npz)"},
      {"not_zip.npz", "not a zip archive (no end-of-central-directory record; truncated or not an .npz)"},
      {"tiny.npz", "not a zip archive (file is 5 bytes)"},
      {"unknown_dtype.npz", "member 'x_kv_usage.npy': unsupported dtype '<i2' (expected <f8, <f4, <i8, <i4 or <U)"},
      {"big_endian.npz", "member 'prefill_isl.npy': unsupported dtype '>f8' (big-endian)"},
      {"rank3.npz", "member 'x.npy': arrays of rank 3 are not supported (1-D or 2-D)"},
      {"short_member.npz", "member 'x.npy': truncated data: shape needs 800 bytes, 784 present"},
      {"huge_shape.npz", "member 'x_kv_usage.npy': malformed .npy header (shape too large)"},
      {"bad_crc.npz", "member 'f8.npy': CRC mismatch (corrupt archive)"},
      {"corrupt_deflate.npz", "member 'x.npy': corrupt deflate data"},
      {"size_bomb.npz", "member 'x.npy': stored member with differing sizes"},
      {"deflate_bomb.npz", "member 'x.npy': implausible size 4294967294 for 8 compressed bytes"},
      // found by fuzz_npz: an unknown method with a 4 GB declared size must fail before allocating
      {"unknown_method_huge.npz", "member 'x.npy': unsupported compression method 264 (only stored and deflate)"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    CHECK_THROWS_AS(NpzFile::load(npz(c.file)), DataError);
    CHECK_THROWS_WITH(NpzFile::load(npz(c.file)), npz(c.file) + ": " + c.message);
  }
  CHECK_THROWS_WITH(NpzFile::load(npz("absent.npz")), npz("absent.npz") + ": file not found");
  CHECK_THROWS_WITH(NpzFile::load(test::data_path("npz")), test::data_path("npz") + ": not a regular file");
}

TEST_CASE("npz: profile values that are NaN, infinite or of mismatched lengths are named") {
  auto decode = [](const std::string& name) { ProfileLoader::decode_from_npz(NpzFile::load(npz(name)), 0).validate(); };
  CHECK_THROWS_WITH(decode("decode_nan.npz"), npz("decode_nan.npz") + ": z_itl[2] is nan (values must be finite)");
  CHECK_THROWS_WITH(decode("decode_inf.npz"), npz("decode_inf.npz") + ": z_thpt_per_gpu[1] is inf (values must be finite)");
  CHECK_THROWS_WITH(decode("decode_mismatched.npz"),
                    npz("decode_mismatched.npz") + ": z_itl has 3 values but x_kv_usage has 4");
  CHECK_THROWS_WITH(ProfileLoader::prefill_from_npz(NpzFile::load(npz("prefill_inf.npz")), 0).validate(),
                    npz("prefill_inf.npz") + ": prefill_ttft[1] is inf (values must be finite)");
  // A deflate-compressed decode profile loads and interpolates.
  const DecodeProfile d = ProfileLoader::decode_from_npz(NpzFile::load(npz("decode_deflate.npz")), 0);
  CHECK(d.max_kv_tokens == 10000);
  CHECK(d.itl_ms == std::vector<double>{5, 6, 7, 8});
  const DecodeInterpolator interp(d, {/*resolution=*/5});
  CHECK(interp.itl_ms_grid()(0, 2) == Approx(6));  // (kv 0.5, context 0): nearest point (0.5, 100)
}

TEST_CASE("npz: collinear decode points are named with the file") {
  const DecodeProfile d = ProfileLoader::decode_from_npz(NpzFile::load(npz("decode_collinear.npz")), 0);
  CHECK_THROWS_AS(DecodeInterpolator(d), DataError);
  CHECK_THROWS_WITH(DecodeInterpolator(d), npz("decode_collinear.npz") +
                                               ": decode points are collinear (x_kv_usage, y_context_length span a "
                                               "line); cannot triangulate");
}

TEST_CASE("Profile::load: missing directories and files say what is missing and how to get profiles") {
  const std::string missing = data_path("npz/no_such_profile");
  CHECK_THROWS_WITH(load_profile(missing),
                    missing + ": profile directory not found (run Dynamo's profiler to make one, use the bundled "
                              "profiling_results/H200_TP1P_TP1D, or select a pre-swept row with "
                              "use-pre-swept-results:...)");
  const std::string dir = data_path("npz");
  CHECK_THROWS_WITH(load_profile(dir), dir + "/selected_prefill_interpolation/raw_data.npz: file not found (nor " +
                                            dir + "/prefill_raw_data.json); is " + dir +
                                            " a Dynamo profile directory?");
  const std::string half = data_path("npz/prefill_only");
  CHECK_THROWS_WITH(load_profile(half + "/"),
                    half + "/selected_decode_interpolation/raw_data.npz: file not found (nor " + half +
                        "/decode_raw_data.json); is " + half + "/ a Dynamo profile directory?");
}

TEST_CASE("Profile::load: pre-swept selectors that match nothing are named") {
  const std::string root = profile_path("pre_swept");
  CHECK_THROWS_WITH(load_profile("use-pre-swept-results:a100:nvidia/x:vllm:1:1:1:1:128:128:8", root),
                    root + "/a100/vllm/nvidia/x: no pre-swept results for gpu_type 'a100', framework 'vllm', model "
                           "'nvidia/x'");
  const std::string dir = root + "/h100_sxm/vllm/nvidia/Llama-3.3-70B-Instruct-FP8";
  CHECK_THROWS_WITH(
      load_profile("use-pre-swept-results:h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:16:1:1:128:128:8", root),
      dir + "/prefill.npz: no row matches use-pre-swept-results:h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:"
            "0.10.1.1:16:1:1:128:128:8 (rows: h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:8:1:1:128:"
            "128:8, h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:4:1:1:128:128:8, h100_sxm:nvidia/"
            "Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:2:1:1:128:128:8)");
  CHECK_THROWS_AS(load_profile("use-pre-swept-results:h100_sxm", root), std::invalid_argument);
}
