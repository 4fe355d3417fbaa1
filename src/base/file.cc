// Regular files only, opened with open(2) so that the type is known before any read.
#include "base/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace shortener {

namespace {

// "1 MiB" for a whole number of MiB, else the bytes.
std::string SizeWords(size_t bytes) {
  constexpr size_t kMiB = size_t{1} << 20;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string FileFailure::Message(const std::string& what, const std::string& path) const {
  const std::string named = what + " '" + path + "'";
  switch (step) {
    case Step::kNone:
      break;
    case Step::kOpen:
      return "cannot open " + named + ": " + std::strerror(error);
    case Step::kNotRegular:
      return named + " is not a regular file";
    case Step::kTooLarge:
      return named + " is larger than " + SizeWords(max_bytes);
    case Step::kRead:
      return "cannot read " + named + ": " + std::strerror(error);
  }
  return "";
}

OpenFile OpenRegularFile(const std::string& path) {
  OpenFile out;
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait for one. It changes
  // nothing for a regular file's reads.
  const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    out.failure.step = FileFailure::Step::kOpen;
    out.failure.error = errno;
    return out;
  }
  if (fstat(fd, &out.st) != 0) {
    out.failure.step = FileFailure::Step::kRead;
    out.failure.error = errno;
  } else if (!S_ISREG(out.st.st_mode)) {
    out.failure.step = FileFailure::Step::kNotRegular;
  } else {
    out.stream.reset(fdopen(fd, "r"));
    if (out.stream != nullptr) return out;
    out.failure.step = FileFailure::Step::kRead;
    out.failure.error = errno;
  }
  close(fd);
  return out;
}

FileContents ReadWholeFile(const std::string& path, size_t max_bytes) {
  FileContents out;
  OpenFile file = OpenRegularFile(path);
  out.failure = file.failure;
  out.st = file.st;
  if (!file.failure.ok()) return out;
  auto too_large = [&out, max_bytes] {
    out.failure.step = FileFailure::Step::kTooLarge;
    out.failure.max_bytes = max_bytes;
    out.text.clear();
    return out;
  };
  if (static_cast<uint64_t>(out.st.st_size) > max_bytes) return too_large();
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.stream.get())) > 0) {
    out.text.append(buffer, n);
    if (out.text.size() > max_bytes) return too_large();
  }
  if (std::ferror(file.stream.get())) {
    out.failure.step = FileFailure::Step::kRead;
    out.failure.error = errno;
    out.text.clear();
  }
  return out;
}

}  // namespace shortener
