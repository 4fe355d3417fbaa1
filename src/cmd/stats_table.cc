// The admin tool's statistics table (see stats_table.h).
#include "cmd/stats_table.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>

#include "base/terminal_text.h"
#include "domain/stats_query.h"

namespace shortener {

namespace {

// Column headings of the breakdowns, in Breakdown order.
const char* const kHeadings[kBreakdownCount] = {"REFERRER", "COUNTRY", "DEVICE", "BROWSER", "OS"};

// Values up to this wide keep the clicks in one column; longer ones (long hosts) push them.
constexpr int kValueWidth = 32;

std::string Line(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Line(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return std::string(buffer) + "\n";
}

}  // namespace

std::string FormatStatsTable(const std::string& slug, const LinkStats& stats) {
  std::string out =
      Line("link %s, %s to %s (UTC)", TerminalSafe(slug).c_str(),
           FormatIsoDay(stats.range.first).c_str(), FormatIsoDay(stats.range.last).c_str());
  out += Line("clicks %" PRIu64 ", human %" PRIu64 ", bot %" PRIu64 ", unique visitors %" PRIu64,
              stats.clicks, stats.human_clicks, stats.bot_clicks, stats.unique_visitors);
  out += Line("\n%-12s %10s %10s %10s", "DATE", "CLICKS", "HUMAN", "VISITORS");
  for (const StatsDay& day : stats.by_day) {
    if (day.clicks == 0) continue;
    out += Line("%-12s %10" PRIu64 " %10" PRIu64 " %10" PRIu64, FormatIsoDay(day.day).c_str(),
                day.clicks, day.human_clicks, day.unique_visitors);
  }
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    out += Line("\n%-*s %10s", kValueWidth, kHeadings[b], "CLICKS");
    for (const ValueCount& value : stats.breakdowns[b]) {
      out += Line("%-*s %10" PRIu64, kValueWidth, TerminalSafe(value.value).c_str(), value.clicks);
    }
  }
  return out;
}

}  // namespace shortener
