// Pure HTTP helpers: header safety, response serialisation, content negotiation, queries.
#include "http/http.h"

#include <uriparser/Uri.h>

#include <algorithm>
#include <cctype>

#include "base/ascii.h"
#include "base/decimal.h"

namespace shortener {

namespace {

// Splits `s` at each `sep`, calling fn(piece) for every piece (empty ones included).
template <typename Fn>
void ForEachPiece(std::string_view s, char sep, Fn fn) {
  while (true) {
    size_t pos = s.find(sep);
    fn(s.substr(0, pos));
    if (pos == std::string_view::npos) return;
    s.remove_prefix(pos + 1);
  }
}

// RFC 9110 qvalue: "0" or "1", then up to three decimals (never above 1). Anything else reads as
// 0, so a malformed or out-of-range q ("inf", "2", "1e9") never counts as a yes.
double QValue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return 0;
  if (text.size() == 1) return text[0] - '0';
  if (text[1] != '.' || text.size() > 5) return 0;
  double value = text[0] - '0';
  double scale = 0.1;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9' || (text[0] == '1' && c != '0')) return 0;
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value;
}

}  // namespace

bool Response::AddHeader(std::string name, std::string value) {
  if (value.find_first_of("\r\n") != std::string::npos) return false;
  headers_.emplace_back(std::move(name), std::move(value));
  return true;
}

bool Response::SetHeader(const std::string& name, std::string value) {
  if (value.find_first_of("\r\n") != std::string::npos) return false;
  headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                [&name](const auto& header) { return header.first == name; }),
                 headers_.end());
  headers_.emplace_back(name, std::move(value));
  return true;
}

const std::string* Response::FindHeader(std::string_view name) const {
  for (const auto& [n, v] : headers_) {
    if (n == name) return &v;
  }
  return nullptr;
}

const char* StatusReason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
  }
  return "Unknown";
}

std::string SerializeResponse(const Response& response, bool head_only) {
  std::string out;
  out.reserve(128 + response.body().size());
  out += "Status: ";
  out += std::to_string(response.status());
  out += ' ';
  out += StatusReason(response.status());
  out += "\r\n";
  for (const auto& [name, value] : response.headers()) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  // Always sent: without it nginx falls back to chunked encoding, and a 204 must say 0.
  out += "Content-Length: ";
  out += std::to_string(response.status() == 204 ? 0 : response.body().size());
  out += "\r\n\r\n";
  if (!head_only && response.status() != 204) out += response.body();
  return out;
}

bool HasMediaType(std::string_view content_type, std::string_view media_type) {
  std::string_view media = TrimBlanks(content_type.substr(0, content_type.find(';')));
  return EqualsIgnoreCase(media, media_type);
}

bool IsJsonContentType(std::string_view content_type) {
  return HasMediaType(content_type, "application/json");
}

bool AcceptsHtml(std::string_view accept) {
  bool html = false;
  ForEachPiece(accept, ',', [&html](std::string_view range) {
    if (html) return;
    bool first = true;
    bool is_html = false;
    double q = 1.0;
    ForEachPiece(range, ';', [&](std::string_view part) {
      part = TrimBlanks(part);
      if (first) {
        is_html = EqualsIgnoreCase(part, "text/html");
        first = false;
        return;
      }
      if (part.size() >= 2 && (part[0] == 'q' || part[0] == 'Q') && part[1] == '=') {
        q = QValue(part.substr(2));
      }
    });
    html = is_html && q > 0;
  });
  return html;
}

std::string NormalizePath(std::string_view path) {
  if (path.find('%') == std::string_view::npos && path.find("/.") == std::string_view::npos) {
    return std::string(path);
  }
  std::string text(path);
  UriUriA uri;
  const char* error = nullptr;
  if (uriParseSingleUriA(&uri, text.c_str(), &error) != URI_SUCCESS) return text;
  std::string out = text;
  int chars = 0;
  if (uriNormalizeSyntaxExA(&uri, URI_NORMALIZE_PATH) == URI_SUCCESS &&
      uriToStringCharsRequiredA(&uri, &chars) == URI_SUCCESS) {
    std::string buffer(chars + 1, '\0');
    if (uriToStringA(buffer.data(), &uri, chars + 1, nullptr) == URI_SUCCESS) {
      buffer.resize(chars);
      out = std::move(buffer);
    }
  }
  uriFreeUriMembersA(&uri);
  return out;
}

Result<std::map<std::string, std::string>> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  if (query.empty()) return out;
  // uriparser hands back C strings, so a decoded NUL would silently cut a value short
  // ("limit=5%00x" read as "5"). No parameter of ours can hold one: refuse it, naming the key.
  Status nul_free = Status::Ok();
  ForEachPiece(query, '&', [&nul_free](std::string_view piece) {
    if (!nul_free.ok() || piece.find("%00") == std::string_view::npos) return;
    std::string key(piece.substr(0, piece.find('=')));
    if (key.empty() || key.find('%') != std::string::npos) key = "query";
    nul_free = Error::Validation(key, key + " must not contain a NUL byte.");
  });
  if (!nul_free.ok()) return nul_free.error();
  UriQueryListA* list = nullptr;
  int count = 0;
  if (uriDissectQueryMallocA(&list, &count, query.data(), query.data() + query.size()) !=
      URI_SUCCESS) {
    return Error::Validation("query", "the query string is malformed");
  }
  Status once = Status::Ok();
  for (UriQueryListA* item = list; item != nullptr && once.ok(); item = item->next) {
    const std::string key = item->key ? item->key : "";
    const bool fresh = out.emplace(key, item->value ? item->value : "").second;
    // An empty name ("?&&", "?=x") means nothing to any endpoint: only named ones count.
    if (!fresh && !key.empty()) once = Error::Validation(key, key + " must be given once.");
  }
  uriFreeQueryListA(list);
  if (!once.ok()) return once.error();
  return out;
}

Result<int> IntParam(const std::map<std::string, std::string>& query, const std::string& name,
                     int min, int max, int fallback) {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  std::optional<uint64_t> value =
      ParseDecimalIn(it->second, static_cast<uint64_t>(min), static_cast<uint64_t>(max));
  if (!value) {
    return Error::Validation(name, name + " must be a whole number from " + std::to_string(min) +
                                       " to " + std::to_string(max) + ".");
  }
  return static_cast<int>(*value);
}

}  // namespace shortener
