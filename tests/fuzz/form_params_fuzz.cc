// Fuzzes ReadFormParams (src/http/form_params.h), the parser of the YOURLS API's parameters, and
// the XML escaping its answers go through: any query, body and content type is parsed or refused
// with one of the documented codes; a parsed value never holds a NUL; the body wins for a name
// given in both parts; XmlText's output holds no markup character and is valid UTF-8 with no
// character XML forbids.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "api/yourls_format.h"
#include "fuzz_check.h"
#include "http/form_params.h"

namespace {

constexpr const char* kTypes[] = {"application/x-www-form-urlencoded",
                                  "application/x-www-form-urlencoded; charset=UTF-8", "",
                                  "multipart/form-data; boundary=x", "application/json"};

void CheckXmlText(const std::string& value) {
  const std::string out = shortener::XmlText(value);
  FUZZ_CHECK(out.find_first_of("<>\"'") == std::string::npos, "XmlText left markup");
  for (size_t i = 0; i < out.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r', "XmlText left a control byte");
    if (c == '&') {
      FUZZ_CHECK(out.compare(i, 5, "&amp;") == 0 || out.compare(i, 4, "&lt;") == 0 ||
                     out.compare(i, 4, "&gt;") == 0 || out.compare(i, 6, "&quot;") == 0 ||
                     out.compare(i, 6, "&apos;") == 0,
                 "XmlText left a bare &");
    }
  }
  FUZZ_CHECK(shortener::RepairUtf8(out) == out, "XmlText's output is not UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  shortener::Request request;
  request.method = "POST";
  request.content_type = in.PickValueInArray(kTypes);
  request.query = in.ConsumeRandomLengthString(512);
  request.body = in.ConsumeRemainingBytesAsString();
  const shortener::Result<shortener::FormParams> params = shortener::ReadFormParams(request);
  if (!params.ok()) {
    const shortener::ErrorCode code = params.error().code;
    FUZZ_CHECK(code == shortener::ErrorCode::kValidation ||
                   code == shortener::ErrorCode::kUnsupportedMediaType,
               "ReadFormParams refused with an undocumented code");
    if (code == shortener::ErrorCode::kValidation) {
      FUZZ_CHECK(!params.error().field.empty(), "a validation error names no field");
    } else {
      FUZZ_CHECK(!request.body.empty(), "415 for a request without a body");
    }
    return 0;
  }
  const shortener::Result<shortener::FormParams> body_only = shortener::ParseQuery(request.body);
  for (const auto& [name, value] : params.value()) {
    FUZZ_CHECK(value.find('\0') == std::string::npos, "a value holds a NUL");
    FUZZ_CHECK(name.find('\0') == std::string::npos, "a name holds a NUL");
    if (!request.body.empty() && body_only.ok() && body_only.value().count(name)) {
      FUZZ_CHECK(body_only.value().at(name) == value, "the query won over the body");
    }
    CheckXmlText(value);
  }
  return 0;
}
