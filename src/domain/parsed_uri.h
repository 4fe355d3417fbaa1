// A URI parsed by liburiparser (RFC 3986), owned so that every return path frees it.
#ifndef SHORTENER_PARSED_URI_H_
#define SHORTENER_PARSED_URI_H_

#include <uriparser/Uri.h>

#include <string_view>

namespace shortener {

class ParsedUri {
 public:
  // Parses `text` as one URI reference; ok() says whether it is one. `text` must outlive this
  // object: the parts point into it.
  explicit ParsedUri(std::string_view text) {
    const char* error_pos = nullptr;
    ok_ = uriParseSingleUriExA(&uri_, text.data(), text.data() + text.size(), &error_pos) ==
          URI_SUCCESS;
  }
  ~ParsedUri() {
    if (ok_) uriFreeUriMembersA(&uri_);
  }
  ParsedUri(const ParsedUri&) = delete;
  ParsedUri& operator=(const ParsedUri&) = delete;

  bool ok() const { return ok_; }
  const UriUriA& uri() const { return uri_; }

  // The text of one part; empty when the part is absent.
  static std::string_view View(const UriTextRangeA& range) {
    if (range.first == nullptr) return {};
    return std::string_view(range.first, static_cast<size_t>(range.afterLast - range.first));
  }

 private:
  UriUriA uri_{};
  bool ok_ = false;
};

}  // namespace shortener

#endif  // SHORTENER_PARSED_URI_H_
