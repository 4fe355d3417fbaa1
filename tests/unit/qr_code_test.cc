// Unit tests of src/domain/qr_code.h: the images' sizes, their quiet zone and finder patterns
// (the three 7x7 squares every QR reader looks for first), and the size bounds.
#include "domain/qr_code.h"

#include <png.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace shortener {
namespace {

// A decoded 1-bit PNG: width x height, true for a dark pixel.
struct Pixels {
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  std::vector<bool> dark;
  bool Dark(png_uint_32 x, png_uint_32 y) const { return dark[y * width + x]; }
};

Pixels DecodePng(const std::string& data) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  BOOST_REQUIRE(png_image_begin_read_from_memory(&image, data.data(), data.size()));
  image.format = PNG_FORMAT_GRAY;
  std::vector<png_byte> buffer(PNG_IMAGE_SIZE(image));
  BOOST_REQUIRE(png_image_finish_read(&image, nullptr, buffer.data(), 0, nullptr));
  Pixels pixels;
  pixels.width = image.width;
  pixels.height = image.height;
  for (png_byte value : buffer) pixels.dark.push_back(value < 128);
  return pixels;
}

// The dark modules the SVG's path draws, as (x, y) in the viewBox's module units. Each module is
// one "M<x> <y>h1v1h-1z" step; sscanf reads them (std::regex trips GCC 12's
// -Wmaybe-uninitialized inside libstdc++ under the sanitized build's -Werror).
std::set<std::pair<int, int>> SvgModules(const std::string& svg) {
  std::set<std::pair<int, int>> modules;
  for (size_t at = svg.find('M'); at != std::string::npos; at = svg.find('M', at + 1)) {
    int x = 0;
    int y = 0;
    int used = 0;
    if (std::sscanf(svg.c_str() + at, "M%d %dh1v1h-1z%n", &x, &y, &used) == 2 && used > 0) {
      modules.emplace(x, y);
    }
  }
  return modules;
}

// A finder pattern's module at (dx, dy) from its top-left corner, 0..6 each: a dark ring, a
// light ring, a dark 3x3 core.
bool FinderDark(int dx, int dy) {
  int ring = std::min(std::min(dx, dy), std::min(6 - dx, 6 - dy));
  return ring != 1;
}

const char kUrl[] = "http://localhost:8000/Ab3dE9";

BOOST_AUTO_TEST_SUITE(qr_code)

BOOST_AUTO_TEST_CASE(png_has_quiet_zone_and_three_finder_patterns) {
  const int px = 3;
  Result<std::string> png = QrPng(kUrl, px);
  BOOST_REQUIRE(png.ok());
  BOOST_CHECK_EQUAL(png.value().substr(1, 3), "PNG");
  Pixels image = DecodePng(png.value());
  BOOST_REQUIRE_EQUAL(image.width, image.height);
  BOOST_REQUIRE_EQUAL(image.width % px, 0u);
  const int modules = static_cast<int>(image.width) / px;
  const int symbol = modules - 8;
  BOOST_REQUIRE(symbol >= 21 && (symbol - 21) % 4 == 0);  // versions 1-40: 21 + 4(v-1)
  auto module_dark = [&](int mx, int my) { return image.Dark(mx * px + 1, my * px + 1); };
  for (int i = 0; i < modules; ++i) {
    for (int zone = 0; zone < 4; ++zone) {
      BOOST_CHECK(!module_dark(i, zone));
      BOOST_CHECK(!module_dark(zone, i));
      BOOST_CHECK(!module_dark(i, modules - 1 - zone));
      BOOST_CHECK(!module_dark(modules - 1 - zone, i));
    }
  }
  const std::pair<int, int> corners[] = {{4, 4}, {4 + symbol - 7, 4}, {4, 4 + symbol - 7}};
  for (auto corner : corners) {
    for (int dy = 0; dy < 7; ++dy) {
      for (int dx = 0; dx < 7; ++dx) {
        BOOST_CHECK_EQUAL(module_dark(corner.first + dx, corner.second + dy), FinderDark(dx, dy));
      }
    }
  }
  // No finder pattern in the fourth corner.
  bool all_finder = true;
  for (int dy = 0; dy < 7; ++dy) {
    for (int dx = 0; dx < 7; ++dx) {
      all_finder =
          all_finder && module_dark(4 + symbol - 7 + dx, 4 + symbol - 7 + dy) == FinderDark(dx, dy);
    }
  }
  BOOST_CHECK(!all_finder);
}

BOOST_AUTO_TEST_CASE(svg_draws_the_same_modules_as_the_png) {
  Result<std::string> svg = QrSvg(kUrl, 8);
  Result<std::string> png = QrPng(kUrl, 1);
  BOOST_REQUIRE(svg.ok() && png.ok());
  Pixels image = DecodePng(png.value());
  std::set<std::pair<int, int>> drawn = SvgModules(svg.value());
  std::set<std::pair<int, int>> expected;
  for (png_uint_32 y = 0; y < image.height; ++y) {
    for (png_uint_32 x = 0; x < image.width; ++x) {
      if (image.Dark(x, y)) expected.emplace(x, y);
    }
  }
  BOOST_CHECK(!expected.empty());
  BOOST_CHECK(drawn == expected);
  const std::string side = std::to_string(image.width * 8);
  BOOST_CHECK(svg.value().find("width=\"" + side + "\" height=\"" + side + "\"") !=
              std::string::npos);
  BOOST_CHECK(svg.value().find("viewBox=\"0 0 " + std::to_string(image.width) + " ") !=
              std::string::npos);
}

BOOST_AUTO_TEST_CASE(different_urls_give_different_symbols) {
  Result<std::string> a = QrSvg("http://localhost:8000/aaaaaa", 1);
  Result<std::string> b = QrSvg("http://localhost:8000/aaaaab", 1);
  BOOST_REQUIRE(a.ok() && b.ok());
  BOOST_CHECK(SvgModules(a.value()) != SvgModules(b.value()));
}

BOOST_AUTO_TEST_CASE(module_size_is_bounded) {
  for (int size : {0, -1, 41, 1000}) {
    Result<std::string> svg = QrSvg(kUrl, size);
    Result<std::string> png = QrPng(kUrl, size);
    BOOST_CHECK(!svg.ok() && svg.error().code == ErrorCode::kValidation);
    BOOST_CHECK(!png.ok() && png.error().field == "size");
  }
  Result<std::string> largest = QrPng(std::string(200, 'x'), 40);
  BOOST_REQUIRE(largest.ok());
  BOOST_CHECK_EQUAL(DecodePng(largest.value()).width % 40, 0u);
}

BOOST_AUTO_TEST_CASE(text_too_long_for_any_symbol_is_an_error_not_a_crash) {
  Result<std::string> svg = QrSvg(std::string(8000, 'x'), 1);
  BOOST_REQUIRE(!svg.ok());
  BOOST_CHECK(svg.error().code == ErrorCode::kInternal);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
