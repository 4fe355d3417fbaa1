// The one line splitter for the text files and texts this service reads line by line: the
// config file, the blocklist, SQL migrations and the CLI's usage text.
#ifndef SHORTENER_LINES_H_
#define SHORTENER_LINES_H_

#include <string_view>
#include <vector>

namespace shortener {

// Splits `text` at '\n' into views of `text` (valid as long as it is). A last line without a
// '\n' counts; a '\n' at the very end starts no extra empty line. One '\r' before a '\n' is
// dropped, so a file saved with CRLF line ends reads as the same lines.
std::vector<std::string_view> SplitLines(std::string_view text);

}  // namespace shortener

#endif  // SHORTENER_LINES_H_
