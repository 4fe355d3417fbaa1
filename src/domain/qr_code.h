// QR codes of short URLs as SVG and PNG images (libqrencode draws the symbol, libpng packs it).
#ifndef SHORTENER_QR_CODE_H_
#define SHORTENER_QR_CODE_H_

#include <string>

#include "base/error.h"

namespace shortener {

// Module sizes a caller may ask for (API.md "Web interface": ?size= 1-40 pixels a module).
inline constexpr int kQrMinModulePixels = 1;
inline constexpr int kQrMaxModulePixels = 40;

// The QR code of `text` (error correction level M, with the standard 4-module quiet zone) as an
// SVG document whose modules are `module_pixels` wide (1..40). kInternal if libqrencode cannot
// encode it (text longer than a version 40 symbol holds; short URLs are far below that).
Result<std::string> QrSvg(const std::string& text, int module_pixels);

// The same symbol as a 1-bit greyscale PNG, `module_pixels` (1..40) pixels a module.
Result<std::string> QrPng(const std::string& text, int module_pixels);

}  // namespace shortener

#endif  // SHORTENER_QR_CODE_H_
