// ISO 8601 formatting and parsing on top of the C library's calendar functions.
#include "domain/timefmt.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace shortener {

namespace {

// Reads exactly `n` digits at text[*pos], advancing *pos.
bool Digits(std::string_view text, size_t* pos, int n, int* out) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

std::string FormatIso8601(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm_utc;
  // Only times far beyond year 9999 fail here; the API never produces one (max_ttl caps them).
  if (gmtime_r(&tt, &tm_utc) == nullptr) return "9999-12-31T23:59:59Z";
  // Not strftime's %Y: it does not pad years below 1000 to the four digits ParseIso8601 wants.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm_utc.tm_year + 1900,
                tm_utc.tm_mon + 1, tm_utc.tm_mday, tm_utc.tm_hour, tm_utc.tm_min, tm_utc.tm_sec);
  return buf;
}

std::optional<int64_t> ParseIso8601(std::string_view text) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(text, &pos, 4, &year) || !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &month) ||
      !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &day) ||
      !(Expect(text, &pos, 'T') || Expect(text, &pos, 't')) || !Digits(text, &pos, 2, &hour) ||
      !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &second)) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == start) return std::nullopt;
  }
  int offset_seconds = 0;
  if (Expect(text, &pos, 'Z') || Expect(text, &pos, 'z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!Digits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  struct tm tm_utc = {};
  tm_utc.tm_year = year - 1900;
  tm_utc.tm_mon = month - 1;
  tm_utc.tm_mday = day;
  tm_utc.tm_hour = hour;
  tm_utc.tm_min = minute;
  tm_utc.tm_sec = second;
  time_t t = timegm(&tm_utc);
  // timegm normalises 31 February into March; a date that moved was not a real date.
  struct tm check;
  gmtime_r(&t, &check);
  if (check.tm_mday != day || check.tm_mon != month - 1) return std::nullopt;
  return static_cast<int64_t>(t) - offset_seconds;
}

}  // namespace shortener
