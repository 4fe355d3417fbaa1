// The time source handlers take, so tests can pass a fixed or stepping clock.
#ifndef SHORTENER_CLOCK_H_
#define SHORTENER_CLOCK_H_

#include <cstdint>
#include <ctime>
#include <functional>

namespace shortener {

using Clock = std::function<int64_t()>;  // unix seconds

inline int64_t SystemClock() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace shortener

#endif  // SHORTENER_CLOCK_H_
