// Host-wide change counters: a MAP_SHARED file of 64-bit counters, read and bumped atomically.
#include "base/host_changes.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "base/sodium.h"

namespace shortener {

namespace {

constexpr size_t kFileBytes = HostChanges::kSlots * sizeof(uint64_t);

// Opens (or, with `create`, creates) `path` for the counters and checks it; -1 with *why set
// otherwise, and *missing when it does not exist and was not to be created.
int OpenCountersFile(const std::string& path, bool create, std::string* why, bool* missing) {
  // O_NOFOLLOW: a file in a shared directory such as /tmp must not lead elsewhere.
  const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
  if (fd < 0) {
    *missing = errno == ENOENT && !create;
    *why = std::strerror(errno);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *why = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    *why = "not a regular file";
  } else if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    // Whoever else could write it could set a counter back, and keep a changed link's old
    // copies alive for local_cache_ttl on this host.
    *why = "not this user's own file with no group or other access";
  } else if (static_cast<size_t>(st.st_size) < kFileBytes && ftruncate(fd, kFileBytes) != 0) {
    // Growing is the one write besides the counters; a new file's counters read 0.
    *why = std::strerror(errno);
  } else {
    return fd;
  }
  close(fd);
  return -1;
}

}  // namespace

size_t HostChangeSlot(std::string_view key) {
  RequireSodium();
  static const unsigned char kFixedKey[crypto_shorthash_KEYBYTES] = {};
  unsigned char hash[crypto_shorthash_BYTES];
  crypto_shorthash(hash, reinterpret_cast<const unsigned char*>(key.data()), key.size(), kFixedKey);
  uint64_t value = 0;
  std::memcpy(&value, hash, sizeof value);
  return static_cast<size_t>(value % HostChanges::kSlots);
}

HostChanges::HostChanges(std::string path, bool create) : path_(std::move(path)), create_(create) {}

HostChanges::~HostChanges() {
  if (counters_ != nullptr) munmap(counters_, kFileBytes);
}

uint64_t* HostChanges::Counters() {
  if (counters_ != nullptr || failed_) return counters_;
  std::string why;
  bool missing = false;
  const int fd = OpenCountersFile(path_, create_, &why, &missing);
  // Nobody on this host keeps redirects in memory yet: nothing to tell. Looked for again at
  // the next change, since a pool that does may start meanwhile.
  if (missing) return nullptr;
  if (fd >= 0) {
    void* mapped = mmap(nullptr, kFileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) {
      why = std::strerror(errno);
    } else {
      counters_ = static_cast<uint64_t*>(mapped);
    }
    close(fd);  // the mapping keeps the file
  }
  if (counters_ == nullptr) {
    failed_ = true;
    Log(Severity::kWarn,
        "cannot map %s (%s): this process neither keeps redirects in memory (local_cache_ttl) "
        "nor tells other workers on this host of its link changes; theirs last local_cache_ttl",
        path_.c_str(), why.c_str());
  }
  return counters_;
}

std::optional<uint64_t> HostChanges::Count(std::string_view key) {
  uint64_t* counters = Counters();
  if (counters == nullptr) return std::nullopt;
  return __atomic_load_n(&counters[HostChangeSlot(key)], __ATOMIC_ACQUIRE);
}

void HostChanges::Bump(std::string_view key) {
  uint64_t* counters = Counters();
  if (counters == nullptr) return;
  __atomic_add_fetch(&counters[HostChangeSlot(key)], 1, __ATOMIC_RELEASE);
}

Status HostChanges::CheckUsable(const std::string& path) {
  std::string why;
  bool missing = false;
  const int fd = OpenCountersFile(path, /*create=*/true, &why, &missing);
  if (fd < 0) return Error::Validation("", "cannot use " + path + " for the counters: " + why);
  close(fd);
  return Status::Ok();
}

}  // namespace shortener
