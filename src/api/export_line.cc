// Export lines both ways (see export_line.h).
#include "api/export_line.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "domain/hll.h"
#include "domain/slug.h"
#include "domain/timefmt.h"
#include "domain/visit_stats.h"

namespace shortener {

namespace {

using json = nlohmann::ordered_json;

// A line's deepest nesting: metadata of 32 levels (the API's cap) inside the line's object.
constexpr int kMaxLineDepth = 40;

std::string DayText(int64_t day) { return FormatIso8601(day * 86400).substr(0, 10); }

// The times a line may hold, in UTC: from 1970-01-01T00:00:00Z (no link is older; unix time)
// to 9999-12-31T23:59:59Z (MariaDB's DATETIME ends there: a later one, or a year 0000, made it
// refuse the whole batch, and the import answered 500 at every retry).
constexpr int64_t kLastSecond = 253402300799;
bool StorableTime(int64_t t) { return t >= 0 && t <= kLastSecond; }

std::optional<int64_t> ParseDay(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  std::optional<int64_t> t = ParseIso8601(std::string(text) + "T00:00:00Z");
  if (!t || !StorableTime(*t)) return std::nullopt;
  return *t / 86400;
}

std::string Base64(const std::string& bytes) {
  std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  text.pop_back();  // the terminating NUL
  return text;
}

std::optional<std::string> FromBase64(const std::string& text) {
  std::string bytes(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

json StatsDayJson(const VisitRollup& v) {
  json day = json::object();
  day["day"] = DayText(v.day);
  day["human_clicks"] = v.stats.human_clicks;
  day["bot_clicks"] = v.stats.bot_clicks;
  day["visitors"] = Base64(v.stats.visitors.Serialize());
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    json values = json::object();
    for (const auto& [value, clicks] : v.stats.breakdowns[b]) values[value] = clicks;
    day[std::string(BreakdownName(static_cast<Breakdown>(b)))] = std::move(values);
  }
  return day;
}

// A breakdown value as the store keeps it: 1 to 253 printable ASCII characters.
bool IsStatsValue(const std::string& value) {
  if (value.empty() || value.size() > 253) return false;
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// One element of "stats"; the caller checks it against the line's days.
Result<VisitRollup> ParseStatsDay(const json& d) {
  auto bad = [](std::string what) { return Error::Validation("stats", "\"stats\": " + what); };
  if (!d.is_object()) return bad("each day must be an object");
  auto day = d.find("day");
  std::optional<int64_t> number =
      day != d.end() && day->is_string() ? ParseDay(day->get<std::string>()) : std::nullopt;
  if (!number) return bad("each day needs \"day\": \"YYYY-MM-DD\"");
  const std::string where = DayText(*number) + ": ";
  VisitRollup v{0, *number, DayStats{}};
  auto human = d.find("human_clicks");
  auto bot = d.find("bot_clicks");
  if (human == d.end() || !human->is_number_unsigned() || bot == d.end() ||
      !bot->is_number_unsigned()) {
    return bad(where + "\"human_clicks\" and \"bot_clicks\" must be numbers >= 0");
  }
  v.stats.human_clicks = human->get<uint64_t>();
  v.stats.bot_clicks = bot->get<uint64_t>();
  v.stats.clicks = v.stats.human_clicks + v.stats.bot_clicks;
  if (v.stats.clicks < v.stats.human_clicks || v.stats.clicks == 0) {
    return bad(where + "human_clicks + bot_clicks must be above 0");
  }
  auto visitors = d.find("visitors");
  std::optional<std::string> sketch = visitors != d.end() && visitors->is_string()
                                          ? FromBase64(visitors->get<std::string>())
                                          : std::nullopt;
  Result<HyperLogLog> parsed = HyperLogLog::Parse(sketch.value_or(""));
  if (!sketch || !parsed.ok()) {
    return bad(where + "\"visitors\" must be a unique-visitor sketch in base64");
  }
  v.stats.visitors = std::move(parsed).value();
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    const std::string name(BreakdownName(static_cast<Breakdown>(b)));
    auto values = d.find(name);
    if (values == d.end() || !values->is_object()) {
      return bad(where + "\"" + name + "\" must be an object of value: clicks");
    }
    uint64_t sum = 0;
    ValueCounts& counts = v.stats.breakdowns[b];
    for (auto it = values->begin(); it != values->end(); ++it) {
      if (!IsStatsValue(it.key()) || !it->is_number_unsigned() || it->get<uint64_t>() == 0 ||
          sum + it->get<uint64_t>() < sum) {
        return bad(where + "\"" + name +
                   "\" must map values of 1 to 253 printable ASCII characters to clicks > 0");
      }
      counts[it.key()] = it->get<uint64_t>();
      sum += it->get<uint64_t>();
    }
    if (NamedValues(counts) > kTopValues) {
      return bad(where + "\"" + name + "\" holds more than 50 values besides \"other\"");
    }
    if (sum != v.stats.clicks) {
      return bad(where + "\"" + name + "\" must sum to human_clicks + bot_clicks");
    }
  }
  return v;
}

}  // namespace

std::string ExportLine(const ExportedLink& exported) {
  const TransferLink& link = exported.link;
  json line = json::object();
  line["slug"] = link.slug;
  line["url"] = link.url;
  line["owner"] = exported.owner_username ? json(*exported.owner_username) : json(nullptr);
  line["created_at"] = FormatIso8601(link.created_at);
  line["updated_at"] = FormatIso8601(link.updated_at);
  line["expires_at"] = link.expires_at ? json(FormatIso8601(*link.expires_at)) : json(nullptr);
  json metadata = json::parse(link.metadata_json, nullptr, false);
  line["metadata"] = metadata.is_discarded() ? json::object() : metadata;
  line["max_visits"] = link.max_visits ? json(*link.max_visits) : json(nullptr);
  line["redirect_code"] = link.redirect_code;
  uint64_t clicks = 0;
  json days = json::array();
  for (const DayClicks& d : link.days) {
    clicks += d.clicks;
    days.push_back(json{{"day", DayText(d.day)}, {"clicks", d.clicks}});
  }
  line["clicks"] = clicks;
  line["days"] = std::move(days);
  json stats = json::array();
  for (const VisitRollup& v : link.stats) stats.push_back(StatsDayJson(v));
  line["stats"] = std::move(stats);
  return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ImportLine> ParseExportLine(std::string_view text) {
  // Nesting is capped while parsing (as for request bodies, http/json_body.cc): the web
  // interface's import hands a worker lines of up to import_max_body_bytes, and a line of
  // brackets would otherwise take its stack. Metadata stored here is at most 32 levels deep.
  struct TooDeep {};
  json line;
  try {
    line = json::parse(
        text,
        [](int depth, json::parse_event_t, json&) {
          if (depth > kMaxLineDepth) throw TooDeep{};
          return true;
        },
        /*allow_exceptions=*/false);
  } catch (const TooDeep&) {
    return Error::Validation("", "nested too deeply");
  }
  if (line.is_discarded() || !line.is_object()) {
    return Error::Validation("", "not a JSON object");
  }
  auto text_field = [&](const char* name) -> Result<std::string> {
    auto it = line.find(name);
    if (it == line.end() || !it->is_string()) {
      return Error::Validation(name, std::string("\"") + name + "\" must be a string");
    }
    return it->get<std::string>();
  };
  auto time_field = [&](const char* name) -> Result<int64_t> {
    ASSIGN_OR_RETURN(std::string value, text_field(name));
    std::optional<int64_t> t = ParseIso8601(value);
    if (!t) return Error::Validation(name, std::string("\"") + name + "\" is not an ISO 8601 time");
    if (!StorableTime(*t)) {
      return Error::Validation(name, std::string("\"") + name +
                                         "\" must be from 1970-01-01T00:00:00Z to "
                                         "9999-12-31T23:59:59Z");
    }
    return *t;
  };
  ImportLine out;
  TransferLink& link = out.link;
  ASSIGN_OR_RETURN(link.slug, text_field("slug"));
  if (!IsValidImportedSlug(link.slug)) {
    return Error::Validation("slug",
                             "\"slug\" is not 1 to 100 characters of A-Z a-z 0-9 _ - "
                             "or is a reserved word");
  }
  ASSIGN_OR_RETURN(link.url, text_field("url"));
  ASSIGN_OR_RETURN(link.created_at, time_field("created_at"));
  ASSIGN_OR_RETURN(link.updated_at, time_field("updated_at"));
  auto expires = line.find("expires_at");
  if (expires == line.end() || !expires->is_null()) {
    ASSIGN_OR_RETURN(int64_t at, time_field("expires_at"));
    link.expires_at = at;
  }
  auto owner = line.find("owner");
  if (owner != line.end() && !owner->is_null()) {
    ASSIGN_OR_RETURN(std::string name, text_field("owner"));
    out.owner = name;
  }
  auto metadata = line.find("metadata");
  if (metadata == line.end() || !metadata->is_object()) {
    return Error::Validation("metadata", "\"metadata\" must be an object");
  }
  link.metadata_json = metadata->dump();
  if (link.metadata_json.size() > kMaxMetadataBytes) {
    return Error::Validation("metadata", "\"metadata\" must be at most 4 KiB once serialised");
  }
  // Both absent in an export from before they existed: no limit, the default code.
  auto max_visits = line.find("max_visits");
  if (max_visits != line.end() && !max_visits->is_null()) {
    if (!max_visits->is_number_unsigned() || max_visits->get<uint64_t>() == 0) {
      return Error::Validation("max_visits", "\"max_visits\" must be a positive number or null");
    }
    link.max_visits = max_visits->get<uint64_t>();
  }
  auto code = line.find("redirect_code");
  if (code != line.end()) {
    const bool known = code->is_number_unsigned() &&
                       (*code == 301 || *code == 302 || *code == 307 || *code == 308);
    if (!known) {
      return Error::Validation("redirect_code", "\"redirect_code\" must be 301, 302, 307 or 308");
    }
    link.redirect_code = code->get<int>();
  }
  auto days = line.find("days");
  if (days == line.end() || !days->is_array()) {
    return Error::Validation("days", "\"days\" must be an array");
  }
  uint64_t sum = 0;
  for (const json& d : *days) {
    auto day = d.is_object() ? d.find("day") : d.end();
    auto clicks = d.is_object() ? d.find("clicks") : d.end();
    if (day == d.end() || !day->is_string() || clicks == d.end() || !clicks->is_number_unsigned() ||
        clicks->get<uint64_t>() == 0) {
      return Error::Validation("days",
                               "each of \"days\" must be {\"day\": \"YYYY-MM-DD\", "
                               "\"clicks\": N} with N > 0");
    }
    std::optional<int64_t> number = ParseDay(day->get<std::string>());
    if (!number || (!link.days.empty() && *number <= link.days.back().day)) {
      return Error::Validation("days", "\"days\" must hold valid dates in ascending order");
    }
    link.days.push_back(DayClicks{*number, clicks->get<uint64_t>()});
    sum += clicks->get<uint64_t>();
  }
  auto clicks = line.find("clicks");
  if (clicks != line.end() && (!clicks->is_number_unsigned() || clicks->get<uint64_t>() != sum)) {
    return Error::Validation("clicks", "\"clicks\" must be the sum of \"days\"");
  }
  auto stats = line.find("stats");
  if (stats != line.end()) {
    if (!stats->is_array()) return Error::Validation("stats", "\"stats\" must be an array");
    size_t at = 0;  // the next of link.days a stats day may be
    for (const json& d : *stats) {
      ASSIGN_OR_RETURN(VisitRollup v, ParseStatsDay(d));
      while (at < link.days.size() && link.days[at].day < v.day) ++at;
      if (at == link.days.size() || link.days[at].day != v.day ||
          (!link.stats.empty() && link.stats.back().day >= v.day)) {
        return Error::Validation("stats", "\"stats\" " + DayText(v.day) +
                                              ": each day must be one of \"days\", in ascending "
                                              "order");
      }
      if (v.stats.clicks > link.days[at].clicks) {
        return Error::Validation(
            "stats",
            "\"stats\" " + DayText(v.day) + ": human_clicks + bot_clicks exceed the day's clicks");
      }
      link.stats.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace shortener
