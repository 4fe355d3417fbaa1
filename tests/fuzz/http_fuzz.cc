// Fuzzes the request parsers and response writer of src/http/http.h: ParseQuery, AcceptsHtml and
// IsJsonContentType take any bytes, AddHeader never stores CR/LF, and SerializeResponse ends its
// head at the first "\r\n\r\n" whatever the header values and body hold.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/http.h"

namespace {

// Header names are the handlers' constants (AddHeader's contract), so they come from this list;
// the values are what a client can influence (Location, Allow, ...).
constexpr const char* kHeaderNames[] = {"Location", "Content-Type", "Allow", "Retry-After",
                                        "WWW-Authenticate"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void CheckQuery(const std::string& query) {
  const shortener::Result<std::map<std::string, std::string>> parsed = shortener::ParseQuery(query);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().code == shortener::ErrorCode::kValidation,
               "ParseQuery refused with a code other than kValidation");
    FUZZ_CHECK(!parsed.error().field.empty(), "ParseQuery refused without naming a field");
    return;
  }
  FUZZ_CHECK(query.find("%00") == std::string::npos, "ParseQuery accepted an encoded NUL");
  // Decoding only shrinks ("%41" -> "A", "+" -> " "), so the pairs never hold more bytes than
  // the query did.
  size_t decoded = 0;
  for (const auto& [key, value] : parsed.value()) {
    FUZZ_CHECK(key.find('\0') == std::string::npos, "ParseQuery returned a key holding a NUL");
    FUZZ_CHECK(value.find('\0') == std::string::npos, "ParseQuery returned a value holding a NUL");
    decoded += key.size() + value.size();
  }
  FUZZ_CHECK(decoded <= query.size(), "ParseQuery returned more bytes than it was given");
}

void CheckNegotiation(const std::string& accept, const std::string& content_type) {
  if (shortener::AcceptsHtml(accept)) {
    FUZZ_CHECK(Lower(accept).find("text/html") != std::string::npos,
               "AcceptsHtml said yes to an Accept header without text/html");
  }
  if (shortener::IsJsonContentType(content_type)) {
    FUZZ_CHECK(Lower(content_type).find("application/json") != std::string::npos,
               "IsJsonContentType said yes to a type without application/json");
  }
}

void CheckResponse(FuzzedDataProvider* in) {
  shortener::Response response(in->ConsumeIntegral<int>());
  const int header_count = in->ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < header_count; ++i) {
    const char* name = in->PickValueInArray(kHeaderNames);
    const std::string value = in->ConsumeRandomLengthString(256);
    const bool has_crlf = value.find_first_of("\r\n") != std::string::npos;
    const bool added = response.AddHeader(name, value);
    FUZZ_CHECK(added == !has_crlf, "AddHeader did not refuse exactly the values with CR or LF");
  }
  for (const auto& [name, value] : response.headers()) {
    FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos, "a header value holds CR or LF");
  }
  const bool head_only = in->ConsumeBool();
  response.set_body(in->ConsumeRemainingBytesAsString());

  const std::string out = shortener::SerializeResponse(response, head_only);
  const size_t end_of_head = out.find("\r\n\r\n");
  FUZZ_CHECK(end_of_head != std::string::npos, "the serialised response has no blank line");
  const std::string_view head = std::string_view(out).substr(0, end_of_head + 2);
  const std::string_view body = std::string_view(out).substr(end_of_head + 4);
  const bool no_body = head_only || response.status() == 204;
  FUZZ_CHECK(body == (no_body ? std::string_view() : std::string_view(response.body())),
             "the first blank line is not where the body starts");
  FUZZ_CHECK(head.compare(0, 8, "Status: ") == 0, "the response does not start with Status");
  // Every head line is "...\r\n" with no CR or LF inside: no header splits or ends the head.
  size_t lines = 0;
  for (size_t pos = 0; pos < head.size(); ++lines) {
    const size_t eol = head.find("\r\n", pos);
    FUZZ_CHECK(eol != std::string_view::npos, "a head line does not end in CRLF");
    const std::string_view line = head.substr(pos, eol - pos);
    FUZZ_CHECK(line.find_first_of("\r\n") == std::string_view::npos,
               "a head line holds a bare CR or LF");
    pos = eol + 2;
  }
  // The Status line, one line per header, and Content-Length.
  FUZZ_CHECK(lines == response.headers().size() + 2, "the head has extra lines");
  const std::string content_length =
      "\r\nContent-Length: " +
      std::to_string(response.status() == 204 ? 0 : response.body().size()) + "\r\n";
  FUZZ_CHECK(head.size() >= content_length.size() &&
                 head.substr(head.size() - content_length.size()) == content_length,
             "Content-Length is not the body's length");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string query = in.ConsumeRandomLengthString(1024);
  const std::string accept = in.ConsumeRandomLengthString(256);
  const std::string content_type = in.ConsumeRandomLengthString(128);
  CheckQuery(query);
  CheckNegotiation(accept, content_type);
  CheckResponse(&in);
  return 0;
}
