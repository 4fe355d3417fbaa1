// libsodium's start-up, in one place with one policy. sodium_init() fails only when the kernel
// gives no randomness; then no token, key, slug or batch id this service makes would be safe or
// unique, so there is nothing sensible to do but stop.
#ifndef SHORTENER_SODIUM_H_
#define SHORTENER_SODIUM_H_

namespace shortener {

// Makes libsodium ready before its first use; cheap after the first call and safe from any
// thread. Aborts the process (after a line on stderr) when libsodium cannot start.
void RequireSodium();

}  // namespace shortener

#endif  // SHORTENER_SODIUM_H_
