// The paging parameters of a list (see page_query.h).
#include "api/page_query.h"

#include "http/http.h"

namespace shortener {

Result<PageQuery> ReadPageQuery(const std::map<std::string, std::string>& query,
                                const CursorCodec& cursors) {
  PageQuery page;
  ASSIGN_OR_RETURN(page.limit, IntParam(query, "limit", 1, kMaxPageSize, kDefaultPageSize));
  auto it = query.find("cursor");
  if (it != query.end()) {
    page.before_id = cursors.Decode(it->second);
    if (!page.before_id) {
      return Error::Validation("cursor", "cursor is not one this service issued.");
    }
  }
  return page;
}

}  // namespace shortener
