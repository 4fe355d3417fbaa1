// GET /api/v1/users: an admin's list of every user (an addition beyond API.md, documented in
// docs/web.md and the README; the web interface's admin page reads it).
#ifndef SHORTENER_USERS_API_H_
#define SHORTENER_USERS_API_H_

#include "api/auth_gate.h"
#include "domain/cursor.h"
#include "domain/user_directory.h"
#include "http/http.h"
#include "http/router.h"

namespace shortener {

class UsersApi {
 public:
  // Borrows every pointer; they must outlive this object.
  UsersApi(UserDirectory* users, AuthGate* gate, const CursorCodec* cursors)
      : users_(users), gate_(gate), cursors_(cursors) {}

  void Register(Router* router);

  // ?limit=&cursor= as the links list takes them: 200 {"ok": true, "data": {"users": [{"id",
  // "username", "email", "is_admin", "created_at", "disabled_at" (a time or null), "links"}...],
  // "next_cursor"}}, newest first, never a password hash, token or key. 401 without a
  // credential; 403 forbidden for a caller who is not an admin (token or API key alike); 422
  // naming "limit" or "cursor".
  Result<Response> List(const Request& request);

 private:
  UserDirectory* users_;
  AuthGate* gate_;
  const CursorCodec* cursors_;
};

}  // namespace shortener

#endif  // SHORTENER_USERS_API_H_
