// Host-wide slots as byte-range locks (fcntl F_OFD_SETLK) on one file.
#include "base/host_slots.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "base/log.h"

namespace shortener {

namespace {

constexpr std::chrono::microseconds kRetryPause{1000};

int OpenSlotsFile(const std::string& path) {
  // O_NOFOLLOW: a lock file in a shared directory such as /tmp must not lead elsewhere.
  return open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

bool SetLock(int fd, int index, short type) {
  struct flock lock;
  std::memset(&lock, 0, sizeof lock);
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = index;
  lock.l_len = 1;
  return fcntl(fd, F_OFD_SETLK, &lock) == 0;
}

}  // namespace

HostSlots::Hold::Hold(Hold&& other) noexcept : fd_(other.fd_), index_(other.index_) {
  other.fd_ = -1;
}

HostSlots::Hold::~Hold() {
  if (fd_ >= 0) SetLock(fd_, index_, F_UNLCK);
}

HostSlots::HostSlots(std::string path, int slots) : path_(std::move(path)), slots_(slots) {}

HostSlots::~HostSlots() {
  if (fd_ >= 0 && owner_ == getpid()) close(fd_);
}

int HostSlots::Fd() {
  const pid_t pid = getpid();
  if (fd_ >= 0 && owner_ == pid) return fd_;
  // A descriptor inherited across fork shares its open file description, and with it the
  // locks: the child opens its own (and leaves the parent's alone).
  fd_ = OpenSlotsFile(path_);
  owner_ = pid;
  if (fd_ < 0 && !warned_) {
    warned_ = true;
    Log(Severity::kWarn, "cannot open %s (%s): password hashing is not bounded across workers",
        path_.c_str(), std::strerror(errno));
  }
  return fd_;
}

int HostSlots::TryLockOne(int fd) {
  const int first = static_cast<int>(owner_ % slots_);
  for (int i = 0; i < slots_; ++i) {
    const int index = (first + i) % slots_;
    if (SetLock(fd, index, F_WRLCK)) return index;
  }
  return -1;
}

std::optional<HostSlots::Hold> HostSlots::Acquire(int wait_ms) {
  const int fd = Fd();
  if (fd < 0) return Hold(-1, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (true) {
    const int index = TryLockOne(fd);
    if (index >= 0) return Hold(fd, index);
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    // Polled, not a blocking F_OFD_SETLKW: that one cannot time out without a signal, and a
    // worker's signals belong to its accept loop.
    std::this_thread::sleep_for(kRetryPause);
  }
}

Status HostSlots::CheckUsable(const std::string& path) {
  const int fd = OpenSlotsFile(path);
  if (fd < 0) {
    return Error::Validation(
        "", "cannot open " + path + " for the slot locks: " + std::strerror(errno));
  }
  close(fd);
  return Status::Ok();
}

int DefaultHostSlots() {
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return static_cast<int>(std::max(1L, cores / 2));
}

}  // namespace shortener
