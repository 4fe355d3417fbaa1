// Reading a whole file, once for every caller (the config file, the blocklist).
#ifndef SHORTENER_FILE_H_
#define SHORTENER_FILE_H_

#include <sys/stat.h>

#include <string>

namespace shortener {

// What ReadWholeFile found. Callers word their own messages (each names its own setting), so
// a failure is the step and its errno rather than an Error.
struct FileContents {
  enum class Failure {
    kNone,
    kOpen,  // fopen failed (missing, no permission)
    kRead,  // fstat or read failed (a directory fails here, not at open)
  };
  Failure failure = Failure::kNone;
  int error = 0;     // errno of the failure
  std::string text;  // the whole file, when failure is kNone
  // fstat of the open file, not of the path, so that a replacement landing while it is read is
  // seen as a change by whoever compares signatures next time.
  struct stat st = {};
};

FileContents ReadWholeFile(const std::string& path);

}  // namespace shortener

#endif  // SHORTENER_FILE_H_
