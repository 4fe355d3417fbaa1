// The paging parameters every cursor-paged list takes (API.md "v1 API": `limit` 1-1000, default
// 100; `cursor` as the previous page's next_cursor): the links list and the admin's user list.
#ifndef SHORTENER_API_PAGE_QUERY_H_
#define SHORTENER_API_PAGE_QUERY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/error.h"
#include "domain/cursor.h"

namespace shortener {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

struct PageQuery {
  int limit = kDefaultPageSize;
  std::optional<uint64_t> before_id;  // unset: the first page
};

// `limit` and `cursor` of a parsed query string: kValidation naming "limit" outside 1-1000 or
// not a whole number, naming "cursor" for one `cursors` did not issue.
Result<PageQuery> ReadPageQuery(const std::map<std::string, std::string>& query,
                                const CursorCodec& cursors);

}  // namespace shortener

#endif  // SHORTENER_API_PAGE_QUERY_H_
