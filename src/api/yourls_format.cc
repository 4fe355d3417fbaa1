// Rendering YOURLS answers: JSON by nlohmann, XML by hand over the same tree (no XML library is
// a dependency, and writing one nesting of escaped elements needs none), plain text as is.
#include "api/yourls_format.h"

#include "domain/store.h"
#include "http/respond.h"

namespace shortener {

namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

void AppendXmlValue(const nlohmann::ordered_json& value, std::string* out);

void AppendXmlElement(const std::string& name, const nlohmann::ordered_json& value,
                      std::string* out) {
  *out += '<' + name + '>';
  AppendXmlValue(value, out);
  *out += "</" + name + '>';
}

void AppendXmlValue(const nlohmann::ordered_json& value, std::string* out) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) AppendXmlElement(it.key(), *it, out);
  } else if (value.is_string()) {
    *out += XmlText(value.get_ref<const std::string&>());
  } else if (!value.is_null()) {
    *out += value.dump();  // numbers and booleans: ASCII, nothing to escape
  }
}

}  // namespace

std::optional<YourlsFormat> ParseYourlsFormat(std::string_view name) {
  if (name == "json") return YourlsFormat::kJson;
  if (name == "xml") return YourlsFormat::kXml;
  if (name == "simple") return YourlsFormat::kSimple;
  return std::nullopt;
}

std::string RepairUtf8(std::string_view text) {
  // nlohmann's serialiser validates UTF-8 and replaces what is not; parsing its output back
  // gives the repaired string.
  std::string quoted = nlohmann::json(std::string(text))
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

std::string TitleMetadata(std::string_view title) {
  if (title.empty()) return "{}";
  // The object of the first `bytes` bytes of the title, backed off to a character boundary.
  auto object_of = [&](size_t bytes) {
    while (bytes > 0 && bytes < title.size() &&
           (static_cast<unsigned char>(title[bytes]) & 0xC0) == 0x80) {
      --bytes;
    }
    return DumpJson({{"title", std::string(title.substr(0, bytes))}});
  };
  std::string whole = object_of(title.size());
  if (whole.size() <= kMaxMetadataBytes) return whole;
  // The object grows with the start it holds, and no start longer than the limit fits: bisect
  // (a dozen serialisations of at most 4 KiB, whatever the title's length).
  size_t fits = 0;
  size_t too_long = std::min(title.size(), kMaxMetadataBytes + 1);
  while (too_long - fits > 1) {
    const size_t mid = fits + (too_long - fits) / 2;
    (object_of(mid).size() <= kMaxMetadataBytes ? fits : too_long) = mid;
  }
  return object_of(fits);
}

std::string XmlText(std::string_view text) {
  const std::string valid = RepairUtf8(text);
  std::string out;
  out.reserve(valid.size());
  for (size_t i = 0; i < valid.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(valid[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&apos;";
        continue;
      default:
        break;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += kReplacement;
    } else if (c == 0xEF && i + 2 < valid.size() && valid[i + 1] == '\xBF' &&
               (valid[i + 2] == '\xBE' || valid[i + 2] == '\xBF')) {
      out += kReplacement;  // U+FFFE or U+FFFF: not XML characters
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string YourlsXml(const nlohmann::ordered_json& fields) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  AppendXmlElement("result", fields, &out);
  out += '\n';
  return out;
}

const char* YourlsContentType(YourlsFormat format) {
  switch (format) {
    case YourlsFormat::kJson:
      return "application/json; charset=utf-8";
    case YourlsFormat::kXml:
      return "application/xml; charset=utf-8";
    case YourlsFormat::kSimple:
      return "text/plain; charset=utf-8";
  }
  return "text/plain; charset=utf-8";
}

std::string YourlsBody(const YourlsAnswer& answer, YourlsFormat format) {
  switch (format) {
    case YourlsFormat::kJson:
      return DumpJson(answer.fields);
    case YourlsFormat::kXml:
      return YourlsXml(answer.fields);
    case YourlsFormat::kSimple:
      return RepairUtf8(answer.simple);
  }
  return {};
}

Response RenderYourls(const YourlsAnswer& answer, YourlsFormat format) {
  Response response(answer.status);
  response.AddHeader("Content-Type", YourlsContentType(format));
  response.AddHeader("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : answer.headers) response.AddHeader(name, value);
  response.set_body(YourlsBody(answer, format));
  return response;
}

}  // namespace shortener
