// Change counters shared by every process of one host: a small file of 64-bit counters mapped
// into each process, so that a change made by one process is noticed by every other one on the
// host with a memory load, no system call and no message (the in-worker redirect cache,
// local_cache_ttl, docs/configuration.md).
//
// A key (a slug) maps to one of kSlots counters by a fixed keyed hash; a change bumps its
// key's counter, and a reader that remembered a key's counter knows the key may have changed
// when the counter differs. Keys sharing a counter cost each other a false "changed", nothing
// more.
#ifndef SHORTENER_HOST_CHANGES_H_
#define SHORTENER_HOST_CHANGES_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

class HostChanges {
 public:
  // Counters in the file at `path`, mapped on first use; with `create` the file is created
  // (mode 0600, zeroed) if missing. A process that only bumps (a pool without local_cache_ttl,
  // the admin tool) does not create it: while no pool of the host keeps redirects in memory,
  // nobody needs telling, and a file made by another user (root running the admin tool) would
  // keep the workers from mapping it.
  HostChanges(std::string path, bool create);
  ~HostChanges();
  HostChanges(const HostChanges&) = delete;
  HostChanges& operator=(const HostChanges&) = delete;

  static constexpr size_t kSlots = 4096;  // 32 KiB of counters

  // The counter of `key` now (an atomic load); nullopt when the file cannot be used (logged once
  // per process, or missing without `create`): then a reader must assume every key may have
  // changed.
  std::optional<uint64_t> Count(std::string_view key);
  // Adds one to the counter of `key` (an atomic add), after the change is committed. Best
  // effort: when the file cannot be used nothing is counted (logged once per process).
  void Bump(std::string_view key);

  // Whether `path` can be mapped: opened or created without following a symlink, a regular
  // file of this user with no group or other access. kValidation naming the reason otherwise.
  // For the config check at start.
  static Status CheckUsable(const std::string& path);

 private:
  // The mapped counters, mapping the file on first use; nullptr if that failed.
  uint64_t* Counters();

  std::string path_;
  bool create_;
  uint64_t* counters_ = nullptr;
  bool failed_ = false;  // mapping failed once: not tried again, not logged again
};

// The counter index of `key`: SipHash-2-4 (libsodium's crypto_shorthash) under a fixed key,
// modulo HostChanges::kSlots. Fixed, so every process and version on a host agrees.
size_t HostChangeSlot(std::string_view key);

}  // namespace shortener

#endif  // SHORTENER_HOST_CHANGES_H_
