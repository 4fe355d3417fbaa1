// The host blocklist (config blocklist_file): hosts that links may not point to, neither when
// created nor when followed.
#ifndef SHORTENER_BLOCKLIST_H_
#define SHORTENER_BLOCKLIST_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "base/error.h"

struct stat;

namespace shortener {

// A set of blocked hosts. Pure: no I/O.
class HostBlocklist {
 public:
  // Parses the file format: one entry a line, "example.com" (that host exactly) or
  // "*.example.com" (every subdomain of example.com, not example.com itself). Case is ignored and
  // a trailing root dot dropped; an IPv6 address may be written with or without brackets.
  // Everything from a '#' to the end of a line is a comment; blank lines are skipped.
  // Errors: kValidation naming `source` and the line number for an entry that is not a host name
  // or address (spaces inside, a scheme or path, '*' anywhere but a leading "*.", empty labels).
  static Result<HostBlocklist> Parse(std::string_view text, const std::string& source);

  bool empty() const { return exact_.empty() && suffixes_.empty(); }
  size_t size() const { return exact_.size() + suffixes_.size(); }

  // True if `host` is listed, or is a subdomain of a "*." entry. `host` must be lowercased,
  // without a trailing dot and an IPv6 literal without brackets (what UrlHost gives, minus the
  // root dot). Costs one hash lookup per label of `host` at most.
  bool Blocks(std::string_view host) const;

 private:
  std::unordered_set<std::string> exact_;
  std::unordered_set<std::string> suffixes_;  // "example.com" for "*.example.com"
};

// The largest blocklist file read: about two million hosts, more than published domain
// blocklists hold, while a wrong file (a disk image, /dev/zero) cannot fill a worker's memory.
inline constexpr size_t kMaxBlocklistFileBytes = size_t{64} << 20;

// The blocklist file of one worker, re-read when it changes. Not thread-safe (workers have one
// thread).
class BlocklistFile {
 public:
  // No file (`path` empty): nothing is ever blocked and the file system is never touched.
  BlocklistFile() = default;

  // Reads `path` once. Errors: kUnavailable when it cannot be read (missing, unreadable), is
  // not a regular file (a directory, FIFO or device) or is larger than kMaxBlocklistFileBytes,
  // and kValidation for a bad entry, all naming the file; the service treats either
  // as fatal at start, since running without the list an operator asked for would be unsafe.
  static Result<BlocklistFile> Open(const std::string& path);

  // True if a file was given (even one that lists nothing yet).
  bool watched() const { return !path_.empty(); }

  // The list as of the last successful read.
  const HostBlocklist& list() const { return list_; }

  // Whether a link to `url` (a target that passed CheckTargetUrl) is blocked now: Refresh, then
  // nothing more while the list is empty; otherwise one host extraction and Blocks.
  bool BlocksUrl(std::string_view url, int64_t now_seconds);

  // Refresh, then Blocks (for UrlPolicy::is_blocked).
  bool BlocksHost(std::string_view host, int64_t now_seconds);

  // Re-reads the file if it may have changed (inode, size or mtime differ from the last read),
  // looking at it at most once per second of `now_seconds` (unix seconds). Cheap enough for
  // every request: usually one comparison. See Reload for failures.
  void Refresh(int64_t now_seconds);

  // Re-reads the file now, whatever its stat says (for SIGHUP). When it cannot be read or holds
  // a bad entry the previous list stays in force and the problem is logged once, until a read
  // succeeds again.
  void Reload();

 private:
  struct Signature {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = -1;
    int64_t mtime_ns = -1;
    bool operator==(const Signature& other) const;
  };

  static Signature SignatureOf(const struct stat& st);
  // Reads and parses the file; on success *signature is what was read.
  static Result<HostBlocklist> Read(const std::string& path, Signature* signature);

  std::string path_;
  HostBlocklist list_;
  Signature signature_;
  int64_t checked_at_ = 0;
  bool failing_ = false;  // the last read failed and was logged
};

}  // namespace shortener

#endif  // SHORTENER_BLOCKLIST_H_
