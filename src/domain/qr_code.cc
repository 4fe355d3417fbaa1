// QR symbols from libqrencode, written out as SVG text or as a PNG through libpng.
#include "domain/qr_code.h"

#include <png.h>
#include <qrencode.h>

#include <csetjmp>
#include <memory>
#include <vector>

namespace shortener {

namespace {

// The quiet zone around the symbol, in modules, that ISO/IEC 18004 asks for.
constexpr int kQuietZone = 4;

// A symbol: width x width modules, row-major, true for a dark module.
struct Symbol {
  int width = 0;
  std::vector<bool> dark;
  bool Dark(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};

Result<Symbol> Encode(const std::string& text, int module_pixels) {
  if (module_pixels < kQrMinModulePixels || module_pixels > kQrMaxModulePixels) {
    return Error::Validation("size", "size must be a whole number from 1 to 40.");
  }
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!code) return Error::Make(ErrorCode::kInternal, "Could not draw the QR code.");
  Symbol symbol;
  symbol.width = code->width;
  symbol.dark.resize(static_cast<size_t>(code->width) * code->width);
  // libqrencode: bit 0 of each byte is the module's colour (1 = dark); the others are its
  // bookkeeping.
  for (size_t i = 0; i < symbol.dark.size(); ++i) symbol.dark[i] = (code->data[i] & 1) != 0;
  return symbol;
}

void AppendPng(png_structp png, png_bytep data, size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}

void FlushNothing(png_structp) {}

// Writes `rows` (each `pixels` wide, packed 1 bit a pixel, 1 = white) into *out. False if libpng
// failed (it reports through longjmp; nothing here owns memory across the setjmp but libpng's
// own structs, which png_destroy_write_struct frees on both paths).
bool WritePng(const std::vector<std::vector<png_byte>>& rows, int pixels, std::string* out) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, AppendPng, FlushNothing);
  png_set_IHDR(png, info, pixels, pixels, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (const std::vector<png_byte>& row : rows) png_write_row(png, row.data());
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

Result<std::string> QrSvg(const std::string& text, int module_pixels) {
  ASSIGN_OR_RETURN(Symbol symbol, Encode(text, module_pixels));
  const int modules = symbol.width + 2 * kQuietZone;
  const std::string side = std::to_string(modules * module_pixels);
  const std::string box = std::to_string(modules);
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + side + "\" height=\"" + side +
         "\" viewBox=\"0 0 " + box + " " + box + "\" shape-rendering=\"crispEdges\">";
  svg +=
      "<rect width=\"" + box + "\" height=\"" + box + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One path, a 1x1 square a dark module: coordinates are the symbol's own, offset by the zone.
  for (int y = 0; y < symbol.width; ++y) {
    for (int x = 0; x < symbol.width; ++x) {
      if (!symbol.Dark(x, y)) continue;
      svg +=
          "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h1v1h-1z";
    }
  }
  svg += "\"/></svg>\n";
  return svg;
}

Result<std::string> QrPng(const std::string& text, int module_pixels) {
  ASSIGN_OR_RETURN(Symbol symbol, Encode(text, module_pixels));
  const int modules = symbol.width + 2 * kQuietZone;
  const int pixels = modules * module_pixels;
  // One packed row a module row (rows within a module repeat it), most significant bit first.
  std::vector<std::vector<png_byte>> rows;
  rows.reserve(static_cast<size_t>(pixels));
  for (int my = 0; my < modules; ++my) {
    std::vector<png_byte> row(static_cast<size_t>(pixels + 7) / 8, 0);
    for (int px = 0; px < pixels; ++px) {
      int mx = px / module_pixels;
      bool inside = mx >= kQuietZone && my >= kQuietZone && mx < kQuietZone + symbol.width &&
                    my < kQuietZone + symbol.width;
      bool dark = inside && symbol.Dark(mx - kQuietZone, my - kQuietZone);
      if (!dark) row[px / 8] |= static_cast<png_byte>(0x80 >> (px % 8));
    }
    for (int repeat = 0; repeat < module_pixels; ++repeat) rows.push_back(row);
  }
  std::string png;
  if (!WritePng(rows, pixels, &png)) {
    return Error::Make(ErrorCode::kInternal, "Could not draw the QR code.");
  }
  return png;
}

}  // namespace shortener
