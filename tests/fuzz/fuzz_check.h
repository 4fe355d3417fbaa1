// The one assertion the fuzz targets share: a broken property is reported and aborts the process,
// so libFuzzer saves the input that broke it as a crash.
#ifndef SHORTENER_TESTS_FUZZ_FUZZ_CHECK_H_
#define SHORTENER_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

// Unlike assert(), never compiled out: the properties are the point of the targets.
#define FUZZ_CHECK(cond, what)                                                              \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: property broken: %s [%s]\n", __FILE__, __LINE__, (what), \
                   #cond);                                                                  \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

#endif  // SHORTENER_TESTS_FUZZ_FUZZ_CHECK_H_
