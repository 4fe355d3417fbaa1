#include "base/sodium.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace shortener {

void RequireSodium() {
  // A function-local static: C++ runs its initialiser once even when threads race to it.
  static const bool ready = [] {
    if (sodium_init() >= 0) return true;
    std::fputs("shortener: libsodium could not start (no kernel randomness); stopping\n", stderr);
    std::abort();
  }();
  (void)ready;
}

}  // namespace shortener
