// Fuzzes ReadJsonObject and the field readers of src/http/json_body.h on any application/json body:
// nothing throws, ok() means a JSON object, and each field reader answers with the type it names.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "fuzz_check.h"
#include "http/http.h"
#include "http/json_body.h"
#include "http/respond.h"

namespace {

using Json = nlohmann::ordered_json;

void CheckValidationOf(const shortener::Error& error, const char* field) {
  FUZZ_CHECK(error.code == shortener::ErrorCode::kValidation,
             "a field reader refused with a code other than kValidation");
  FUZZ_CHECK(error.field == field, "a field reader refused naming another field");
}

// The reads LinksApi::ParseCreate makes of a create request.
void CheckFields(const Json& body) {
  const shortener::Result<std::string> url = shortener::RequiredString(body, "url");
  if (url.ok()) {
    FUZZ_CHECK(body.contains("url") && body["url"].is_string(), "url read from a non-string");
  } else {
    CheckValidationOf(url.error(), "url");
  }
  const shortener::Result<std::optional<std::string>> slug =
      shortener::OptionalString(body, "slug");
  if (slug.ok()) {
    FUZZ_CHECK(slug.value().has_value() == (body.contains("slug") && !body["slug"].is_null()),
               "OptionalString's nullopt is not 'absent or null'");
  } else {
    CheckValidationOf(slug.error(), "slug");
  }
  const shortener::Result<std::optional<int64_t>> expires_in =
      shortener::OptionalInteger(body, "expires_in");
  if (expires_in.ok() && expires_in.value()) {
    const Json& value = body["expires_in"];
    FUZZ_CHECK(value.is_number_integer(), "expires_in read from a non-integer");
    FUZZ_CHECK(value.is_number_unsigned() ? value.get<uint64_t>() == uint64_t(*expires_in.value())
                                          : value.get<int64_t>() == *expires_in.value(),
               "expires_in read as another number");
  } else if (!expires_in.ok()) {
    CheckValidationOf(expires_in.error(), "expires_in");
  }
  const shortener::Result<std::optional<Json>> metadata =
      shortener::OptionalObject(body, "metadata");
  if (metadata.ok() && metadata.value()) {
    FUZZ_CHECK(metadata.value()->is_object(), "metadata read from a non-object");
    // ParseCreate stores the metadata as DumpJson's text: it must read back as an object.
    const Json again = Json::parse(shortener::DumpJson(*metadata.value()), nullptr, false);
    FUZZ_CHECK(again.is_object(), "DumpJson of metadata does not parse back to an object");
  } else if (!metadata.ok()) {
    CheckValidationOf(metadata.error(), "metadata");
  }
}

void CheckBody(const std::string& text, bool empty_ok) {
  shortener::Request request;
  request.content_type = "application/json";
  request.body = text;
  const shortener::Result<Json> body = shortener::ReadJsonObject(request, empty_ok);
  if (!body.ok()) {
    FUZZ_CHECK(body.error().code == shortener::ErrorCode::kBadJson,
               "a JSON body within the limit was refused with a code other than kBadJson");
    return;
  }
  FUZZ_CHECK(body.value().is_object(), "ReadJsonObject returned a non-object");
  FUZZ_CHECK(text.find('\0') == std::string::npos, "ReadJsonObject accepted a body with a NUL");
  FUZZ_CHECK(!text.empty() || empty_ok, "ReadJsonObject accepted an empty body");
  CheckFields(body.value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    CheckBody(text, /*empty_ok=*/false);
    CheckBody(text, /*empty_ok=*/true);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "json_body_fuzz: exception: %s\n", e.what());
    FUZZ_CHECK(false, "json_body threw past its functions");
  }
  return 0;
}
