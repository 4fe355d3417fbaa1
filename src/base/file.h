// Opening and reading files given by name in settings or arguments, once for every caller (the
// config file, the blocklist, shortener-admin's import jsonl): each must be a regular file.
#ifndef SHORTENER_FILE_H_
#define SHORTENER_FILE_H_

#include <sys/stat.h>

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

namespace shortener {

// Why a file could not be opened or read (kNone: it could). Callers name their own setting in
// their messages, so this is the step and its errno rather than an Error.
struct FileFailure {
  enum class Step {
    kNone,
    kOpen,        // open failed (missing, no permission)
    kNotRegular,  // a directory, FIFO, socket or device: reading /dev/zero or a FIFO may never
                  // end, and a directory holds no lines
    kTooLarge,    // more bytes than the caller's bound
    kRead,        // fstat or read failed
  };
  Step step = Step::kNone;
  int error = 0;         // errno, for kOpen and kRead
  size_t max_bytes = 0;  // the bound, for kTooLarge

  bool ok() const { return step == Step::kNone; }

  // One line naming `what` (e.g. "config file") and `path`:
  //   cannot open config file '/x': No such file or directory
  //   config file '/x' is not a regular file
  //   config file '/x' is larger than 1 MiB
  //   cannot read config file '/x': Input/output error
  std::string Message(const std::string& what, const std::string& path) const;
};

// A regular file open for reading, or why it is not.
struct OpenFile {
  FileFailure failure;
  // Null unless failure.ok(); closed when this goes.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream{nullptr, &std::fclose};
  // fstat of the open file, not of the path, so that a replacement landing while it is read is
  // seen as a change by whoever compares signatures next time.
  struct stat st = {};
};

// Opens `path` (symbolic links followed) for reading if it is a regular file; anything else is
// kNotRegular, found without blocking (a FIFO with no writer) and without reading from it.
OpenFile OpenRegularFile(const std::string& path);

// What ReadWholeFile found.
struct FileContents {
  FileFailure failure;
  std::string text;     // the whole file, when failure.ok()
  struct stat st = {};  // as OpenFile::st
};

// The whole of regular file `path` (OpenRegularFile), when it holds at most `max_bytes`:
// a larger one is kTooLarge, also when it grows past the bound while being read (reading
// stops one 4 KiB buffer past it), so that memory stays bounded whatever the file holds.
FileContents ReadWholeFile(const std::string& path, size_t max_bytes);

}  // namespace shortener

#endif  // SHORTENER_FILE_H_
