// A day's breakdown values as stored (see day_values.h).
#include "domain/day_values.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/decimal.h"

namespace shortener {

namespace {

// A stored value is at most a 253-byte host (sql/009).
constexpr size_t kMaxValueBytes = 253;

}  // namespace

bool IsStoredValue(std::string_view value) {
  if (value.empty() || value.size() > kMaxValueBytes) return false;
  for (unsigned char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

namespace {

// Calls line(breakdown, value, clicks) for each line of `text` in order; false, at once, for
// anything EncodeDayValues does not write. `value` points into `text`.
template <typename Line>
bool ForEachStoredLine(std::string_view text, Line line) {
  // The (breakdown, value) of the line before: each line's must be greater (one order, no
  // value twice). Values are never empty, so (0, "") is below every line.
  std::pair<size_t, std::string_view> last(0, "");
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view text_line = text.substr(at, end - at);
    // An empty line anywhere (a trailing '\n' too) is not what EncodeDayValues writes.
    if (end + 1 == text.size()) return false;
    at = end + 1;
    if (text_line.size() < 5 || text_line[1] != '\t' || text_line[0] < '0' ||
        static_cast<size_t>(text_line[0] - '0') >= kBreakdownCount) {
      return false;
    }
    const size_t breakdown = static_cast<size_t>(text_line[0] - '0');
    const size_t tab = text_line.rfind('\t');
    if (tab < 2) return false;
    const std::string_view value = text_line.substr(2, tab - 2);
    const std::optional<uint64_t> clicks = ParseDecimal(text_line.substr(tab + 1));
    if (!IsStoredValue(value) || !clicks || *clicks == 0) return false;
    if (!(last < std::make_pair(breakdown, value))) return false;
    last = {breakdown, value};
    line(breakdown, value, *clicks);
  }
  return true;
}

void AppendLine(std::string* text, size_t breakdown, std::string_view value, uint64_t clicks) {
  if (clicks == 0 || !IsStoredValue(value)) return;
  if (!text->empty()) *text += '\n';
  *text += static_cast<char>('0' + breakdown);
  *text += '\t';
  *text += value;
  *text += '\t';
  *text += std::to_string(clicks);
}

struct Counted {
  std::string_view value;
  uint64_t clicks;
  bool added = false;  // clicked in the batch being folded in (FoldTop's tie-break)
};

}  // namespace

std::string EncodeDayValues(const DayValues& values) {
  std::string text;
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    for (const auto& [value, clicks] : values[b]) AppendLine(&text, b, value, clicks);
  }
  return text;
}

std::optional<DayValues> DecodeDayValues(std::string_view text) {
  DayValues values;
  const bool ok = ForEachStoredLine(text, [&](size_t b, std::string_view value, uint64_t clicks) {
    values[b].emplace(std::string(value), clicks);
  });
  if (!ok) return std::nullopt;
  return values;
}

std::optional<std::string> FoldDayValues(std::string_view stored_text, const DayValues& added,
                                         size_t top) {
  std::array<std::vector<Counted>, kBreakdownCount> stored;
  const bool ok =
      ForEachStoredLine(stored_text, [&](size_t b, std::string_view value, uint64_t clicks) {
        stored[b].push_back(Counted{value, clicks});
      });
  if (!ok) return std::nullopt;
  std::string text;
  std::vector<Counted> named;
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    // Both sides are in value order: one merge sums them.
    named.clear();
    uint64_t other = 0;
    auto add = [&](std::string_view value, uint64_t clicks, bool added_now) {
      if (value == kOtherValue) {
        other += clicks;
      } else if (clicks > 0) {
        named.push_back(Counted{value, clicks, added_now});
      }
    };
    auto s = stored[b].begin();
    auto a = added[b].begin();
    while (s != stored[b].end() || a != added[b].end()) {
      if (a == added[b].end() || (s != stored[b].end() && s->value < a->first)) {
        add(s->value, s->clicks, false);
        ++s;
      } else if (s == stored[b].end() || a->first < s->value) {
        add(a->first, a->second, true);
        ++a;
      } else {
        add(s->value, s->clicks + a->second, true);
        ++s;
        ++a;
      }
    }
    // FoldTop's choice: most clicks first, equal counts those clicked now first, then by value;
    // the rest under "other".
    if (named.size() > top) {
      auto by_clicks = [](const Counted& x, const Counted& y) {
        if (x.clicks != y.clicks) return x.clicks > y.clicks;
        if (x.added != y.added) return x.added;
        return x.value < y.value;
      };
      std::nth_element(named.begin(), named.begin() + static_cast<std::ptrdiff_t>(top), named.end(),
                       by_clicks);
      for (size_t i = top; i < named.size(); ++i) other += named[i].clicks;
      named.resize(top);
      std::sort(named.begin(), named.end(),
                [](const Counted& x, const Counted& y) { return x.value < y.value; });
    }
    // Written in value order, "other" in its place among the names.
    bool other_written = other == 0;
    for (const Counted& c : named) {
      if (!other_written && kOtherValue < c.value) {
        AppendLine(&text, b, kOtherValue, other);
        other_written = true;
      }
      AppendLine(&text, b, c.value, c.clicks);
    }
    if (!other_written) AppendLine(&text, b, kOtherValue, other);
  }
  return text;
}

}  // namespace shortener
