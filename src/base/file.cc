// Whole-file reading with stdio.
#include "base/file.h"

#include <cerrno>
#include <cstdio>

namespace shortener {

FileContents ReadWholeFile(const std::string& path) {
  FileContents out;
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) {
    out.failure = FileContents::Failure::kOpen;
    out.error = errno;
    return out;
  }
  if (fstat(fileno(file), &out.st) != 0) {
    out.failure = FileContents::Failure::kRead;
    out.error = errno;
    std::fclose(file);
    return out;
  }
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) out.text.append(buffer, n);
  // Reading a directory fails here, not at fopen.
  if (std::ferror(file)) {
    out.failure = FileContents::Failure::kRead;
    out.error = errno;
    out.text.clear();
  }
  std::fclose(file);
  return out;
}

}  // namespace shortener
