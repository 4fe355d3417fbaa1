// The admin's user list (see users_api.h).
#include "api/users_api.h"

#include <map>
#include <string>
#include <vector>

#include "api/page_query.h"
#include "domain/timefmt.h"
#include "http/respond.h"

namespace shortener {

namespace {

// A user as the list shows it: what an admin needs to know who is there, no secret.
nlohmann::ordered_json UserJson(const UserSummary& row) {
  const User& user = row.user;
  nlohmann::ordered_json disabled = nullptr;
  if (user.disabled_at) disabled = FormatIso8601(*user.disabled_at);
  return {{"id", user.id},
          {"username", user.username},
          {"email", user.email},
          {"is_admin", user.is_admin},
          {"created_at", FormatIso8601(user.created_at)},
          {"disabled_at", std::move(disabled)},
          {"links", row.links}};
}

}  // namespace

void UsersApi::Register(Router* router) {
  router->Add("GET", "/api/v1/users", Router::Slash::kTolerant,
              [this](const Request& r, const std::string&) { return List(r); });
}

Result<Response> UsersApi::List(const Request& request) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  if (!who.is_admin) {
    return Error::Make(ErrorCode::kForbidden, "Only an administrator may list the users.");
  }
  using Query = std::map<std::string, std::string>;
  ASSIGN_OR_RETURN(Query query, ParseQuery(request.query));
  ASSIGN_OR_RETURN(PageQuery page, ReadPageQuery(query, *cursors_));
  ASSIGN_OR_RETURN(UserPage users, users_->ListUsersPage(page.before_id, page.limit));
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const UserSummary& row : users.users) rows.push_back(UserJson(row));
  nlohmann::ordered_json next = nullptr;
  if (users.next_before_id) next = cursors_->Encode(*users.next_before_id);
  return JsonResponse(
      200, {{"ok", true}, {"data", {{"users", std::move(rows)}, {"next_cursor", next}}}});
}

}  // namespace shortener
