// A bound on how many processes of one pool do some expensive work at once (password hashing):
// a counting semaphore over byte-range locks on one file, which every worker that names the
// same file shares, whatever forked it (the supervisor, spawn-fcgi, several pools on one host).
#ifndef SHORTENER_HOST_SLOTS_H_
#define SHORTENER_HOST_SLOTS_H_

#include <sys/types.h>

#include <optional>
#include <string>

#include "base/error.h"

namespace shortener {

class HostSlots {
 public:
  // A slot taken by Acquire, held until this object is destroyed (which must happen before its
  // HostSlots is). Move-only.
  class Hold {
   public:
    Hold(Hold&& other) noexcept;
    Hold& operator=(Hold&&) = delete;
    Hold(const Hold&) = delete;
    ~Hold();

    // A hold that bounds nothing, for work let through without slots.
    static Hold Unbounded() { return Hold(-1, 0); }

   private:
    friend class HostSlots;
    Hold(int fd, int index) : fd_(fd), index_(index) {}
    int fd_;     // -1: nothing to release
    int index_;  // the locked byte
  };

  // `slots` (>= 1) slots in the file at `path`, created (mode 0600) on first use. Opens
  // nothing yet: each process opens the file itself, after any fork, so no two workers share a
  // lock by sharing a descriptor.
  HostSlots(std::string path, int slots);
  ~HostSlots();
  HostSlots(const HostSlots&) = delete;
  HostSlots& operator=(const HostSlots&) = delete;

  // Takes a free slot, trying again every millisecond or so for up to `wait_ms`; nullopt when
  // none came free in that time. Locks are Linux open file description locks: the kernel drops
  // them when their holder closes the file or dies, so a crashed worker never keeps a slot.
  // When the file cannot be opened (its directory gone or made unwritable after start) the work
  // is let through unbounded and the log says so once: logins must not all fail over it.
  std::optional<Hold> Acquire(int wait_ms);

  // Whether `path` can be opened (or created) for the locks; kValidation naming the reason
  // otherwise. For the config check at start.
  static Status CheckUsable(const std::string& path);

 private:
  // This process's descriptor of the file (-1 if it cannot be opened).
  int Fd();
  // Locks the first free slot, starting at a slot that differs between processes; -1 if all
  // are held.
  int TryLockOne(int fd);

  std::string path_;
  int slots_;
  int fd_ = -1;
  pid_t owner_ = 0;  // the process fd_ was opened in
  bool warned_ = false;
};

// The slot count a setting of 0 means: half the online processors, at least 1, so that hashing
// never takes every core from the redirects.
int DefaultHostSlots();

}  // namespace shortener

#endif  // SHORTENER_HOST_SLOTS_H_
