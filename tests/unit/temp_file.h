// A file path of the unit tests' own: in a fresh private directory under /tmp, removed with
// whatever the test left in it.
#ifndef SHORTENER_TESTS_UNIT_TEMP_FILE_H_
#define SHORTENER_TESTS_UNIT_TEMP_FILE_H_

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace shortener {

struct TempFile {
  // `path` is dir + "/" + name; nothing is created there.
  explicit TempFile(const std::string& name) {
    char dir_template[] = "/tmp/shortener-unit-XXXXXX";
    dir = mkdtemp(dir_template);
    path = dir + "/" + name;
  }
  ~TempFile() {
    // The tests put plain files and symlinks there, never directories.
    if (DIR* d = opendir(dir.c_str())) {
      while (dirent* entry = readdir(d)) {
        const std::string entry_name = entry->d_name;
        if (entry_name != "." && entry_name != "..") unlink((dir + "/" + entry_name).c_str());
      }
      closedir(d);
    }
    rmdir(dir.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  std::string dir;
  std::string path;
};

}  // namespace shortener

#endif  // SHORTENER_TESTS_UNIT_TEMP_FILE_H_
