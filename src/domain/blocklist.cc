// Host blocklist: the file format, the matching, and re-reading the file when it changes.
#include "domain/blocklist.h"

#include <sys/stat.h>

#include <cstdio>

#include "base/ascii.h"
#include "base/file.h"
#include "base/lines.h"
#include "base/log.h"
#include "domain/url_check.h"

namespace shortener {

namespace {

bool IsHostByte(char c) { return IsAsciiAlnum(c) || c == '-' || c == '.' || c == '_' || c == ':'; }

// The entry of one line without its comment, lowercased, or an empty string for no entry.
// `*suffix` says whether it was a "*." entry. Returns false for an entry that is not a host.
bool ParseEntry(std::string_view line, std::string* host, bool* suffix) {
  size_t hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  line = TrimBlanks(line);
  *suffix = false;
  host->clear();
  if (line.empty()) return true;
  if (line.substr(0, 2) == "*.") {
    *suffix = true;
    line.remove_prefix(2);
  }
  if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
    line = line.substr(1, line.size() - 2);
  }
  if (!line.empty() && line.back() == '.') line.remove_suffix(1);
  if (line.empty() || line.front() == '.' || line.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : line) {
    if (!IsHostByte(c)) return false;
  }
  *host = ToLowerAscii(line);
  return true;
}

}  // namespace

Result<HostBlocklist> HostBlocklist::Parse(std::string_view text, const std::string& source) {
  HostBlocklist list;
  size_t number = 0;
  for (std::string_view line : SplitLines(text)) {
    ++number;
    std::string host;
    bool suffix = false;
    if (!ParseEntry(line, &host, &suffix)) {
      return Error::Validation("blocklist_file",
                               source + ":" + std::to_string(number) +
                                   ": expected a host name or address, or *.domain, per line");
    }
    if (host.empty()) continue;
    (suffix ? list.suffixes_ : list.exact_).insert(std::move(host));
  }
  return list;
}

bool HostBlocklist::Blocks(std::string_view host) const {
  if (!exact_.empty() && exact_.count(std::string(host)) != 0) return true;
  if (suffixes_.empty()) return false;
  // "a.b.example.com" is under "*.b.example.com" and "*.example.com" and "*.com".
  for (size_t dot = host.find('.'); dot != std::string_view::npos; dot = host.find('.', dot + 1)) {
    if (suffixes_.count(std::string(host.substr(dot + 1))) != 0) return true;
  }
  return false;
}

bool BlocklistFile::Signature::operator==(const Signature& other) const {
  return device == other.device && inode == other.inode && size == other.size &&
         mtime_ns == other.mtime_ns;
}

BlocklistFile::Signature BlocklistFile::SignatureOf(const struct stat& st) {
  Signature signature;
  signature.device = st.st_dev;
  signature.inode = st.st_ino;
  signature.size = st.st_size;
  signature.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return signature;
}

Result<HostBlocklist> BlocklistFile::Read(const std::string& path, Signature* signature) {
  // The signature of what is read comes from the open file (FileContents::st).
  FileContents file = ReadWholeFile(path, kMaxBlocklistFileBytes);
  if (!file.failure.ok()) {
    return Error::Make(ErrorCode::kUnavailable, file.failure.Message("blocklist_file", path));
  }
  Result<HostBlocklist> list = HostBlocklist::Parse(file.text, path);
  if (!list.ok()) {
    return Error::Validation("blocklist_file", "blocklist_file " + list.error().message);
  }
  *signature = SignatureOf(file.st);
  return list;
}

Result<BlocklistFile> BlocklistFile::Open(const std::string& path) {
  BlocklistFile file;
  file.path_ = path;
  if (path.empty()) return file;
  Result<HostBlocklist> list = Read(path, &file.signature_);
  if (!list.ok()) return list.error();
  file.list_ = std::move(list.value());
  return file;
}

bool BlocklistFile::BlocksUrl(std::string_view url, int64_t now_seconds) {
  Refresh(now_seconds);
  if (list_.empty()) return false;
  Result<std::string> host = UrlHost(url, "url");
  // Stored targets passed the same parse at creation; one that no longer does is not ours to
  // judge here.
  if (!host.ok()) return false;
  std::string_view bare = host.value();
  if (!bare.empty() && bare.back() == '.') bare.remove_suffix(1);
  return list_.Blocks(bare);
}

bool BlocklistFile::BlocksHost(std::string_view host, int64_t now_seconds) {
  Refresh(now_seconds);
  return list_.Blocks(host);
}

void BlocklistFile::Refresh(int64_t now_seconds) {
  // Comparing for equality rather than order also re-checks after the clock was set back.
  if (path_.empty() || now_seconds == checked_at_) return;
  checked_at_ = now_seconds;
  struct stat st;
  if (stat(path_.c_str(), &st) == 0 && SignatureOf(st) == signature_) return;
  // A file that vanished is reported by Reload, which keeps the list.
  Reload();
}

void BlocklistFile::Reload() {
  if (path_.empty()) return;
  Signature signature;
  Result<HostBlocklist> list = Read(path_, &signature);
  if (!list.ok()) {
    if (!failing_) {
      Log(Severity::kWarn, "%s; keeping the previous blocklist (%zu entries)",
          list.error().message.c_str(), list_.size());
    }
    failing_ = true;
    return;
  }
  failing_ = false;
  list_ = std::move(list.value());
  signature_ = signature;
  Log(Severity::kInfo, "blocklist_file '%s' read: %zu entries", path_.c_str(), list_.size());
}

}  // namespace shortener
