// Visit rollups in memory and the top-values fold (see visit_stats.h).
#include "domain/visit_stats.h"

#include <algorithm>

#include "base/ascii.h"
#include "domain/referrer.h"
#include "domain/ua_class.h"

namespace shortener {

std::string_view BreakdownName(Breakdown breakdown) {
  switch (breakdown) {
    case Breakdown::kReferrer:
      return "referrers";
    case Breakdown::kCountry:
      return "countries";
    case Breakdown::kDevice:
      return "devices";
    case Breakdown::kBrowser:
      return "browsers";
    case Breakdown::kOs:
      break;
  }
  return "os";
}

std::string CountryValue(std::string_view code) {
  const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (code.size() != 2 || !letter(code[0]) || !letter(code[1])) {
    return std::string(kUnknownCountry);
  }
  return ToUpperAscii(code);
}

void AddUnclassified(DayStats* day, uint64_t clicks) {
  if (clicks == 0) return;
  day->clicks += clicks;
  day->human_clicks += clicks;
  const UserAgentClass none;  // the classes of a User-Agent that says nothing
  const std::string_view values[kBreakdownCount] = {kUnknownReferrer, kUnknownCountry,
                                                    DeviceName(none.device), none.browser, none.os};
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    day->breakdowns[b][std::string(values[b])] += clicks;
  }
}

VisitStats::VisitStats(size_t max_values) : max_values_(std::max<size_t>(max_values, 1)) {}

void VisitStats::Count(ValueCounts& counts, std::string_view value) const {
  auto it = counts.find(value);
  if (it != counts.end()) {
    ++it->second;
    return;
  }
  const size_t named = counts.size() - (counts.count(kOtherValue) != 0 ? 1 : 0);
  if (named >= max_values_) value = kOtherValue;
  ++counts[std::string(value)];
}

void VisitStats::Add(const Visit& visit) {
  DayStats& day = days_[LinkDay(visit.link_id, visit.day)];
  ++day.clicks;
  if (visit.bot) {
    ++day.bot_clicks;
  } else {
    ++day.human_clicks;
    day.visitors.Add(visit.visitor_hash);
  }
  for (size_t b = 0; b < kBreakdownCount; ++b) Count(day.breakdowns[b], visit.values[b]);
}

std::map<LinkDay, DayStats> VisitStats::Take() {
  std::map<LinkDay, DayStats> taken;
  taken.swap(days_);
  return taken;
}

std::vector<ValueCount> FoldTop(const ValueCounts& stored, const ValueCounts& added, size_t top) {
  ValueCounts sum = stored;
  for (const auto& [value, clicks] : added) sum[value] += clicks;
  uint64_t other = 0;
  std::vector<ValueCount> named;
  for (const auto& [value, clicks] : sum) {
    if (value == kOtherValue) {
      other += clicks;
    } else if (clicks > 0) {
      named.push_back(ValueCount{value, clicks});
    }
  }
  // Most clicks first; equal counts: the values clicked now, then by value, so the same inputs
  // always keep the same values.
  auto fresh = [&](const ValueCount& v) { return added.count(v.value) > 0; };
  std::sort(named.begin(), named.end(), [&](const ValueCount& a, const ValueCount& b) {
    if (a.clicks != b.clicks) return a.clicks > b.clicks;
    if (fresh(a) != fresh(b)) return fresh(a);
    return a.value < b.value;
  });
  if (named.size() > top) {
    for (size_t i = top; i < named.size(); ++i) other += named[i].clicks;
    named.resize(top);
  }
  if (other > 0) named.push_back(ValueCount{std::string(kOtherValue), other});
  return named;
}

size_t NamedValues(const ValueCounts& counts) { return counts.size() - counts.count(kOtherValue); }

}  // namespace shortener
