// POST /api/v1/import: an administrator brings in the lines of an export (`shortener-admin
// export`, docs/operations.md "Export and import") from the web interface. An addition beyond
// API.md, documented in docs/web.md; the same import as `shortener-admin import jsonl`.
#ifndef SHORTENER_API_IMPORT_API_H_
#define SHORTENER_API_IMPORT_API_H_

#include "api/auth_gate.h"
#include "domain/link_settings.h"
#include "domain/link_transfer.h"
#include "domain/store.h"
#include "http/http.h"
#include "http/router.h"
#include "store/link_cache.h"

namespace shortener {

// The path, for the workers' larger body limit on it (import_max_body_bytes).
inline constexpr char kImportPath[] = "/api/v1/import";

class ImportApi {
 public:
  // Borrows every pointer; they must outlive this object. `settings` give the URL rules and
  // freed_slug_hold of the service, as for a creation; `cache` is the redirect cache, where each
  // imported slug is marked changed (a probe before the import may have left its absence).
  ImportApi(LinkTransfer* transfer, AccountStore* accounts, AuthGate* gate,
            const LinkSettings* settings, Cache* cache)
      : transfer_(transfer),
        accounts_(accounts),
        gate_(gate),
        settings_(settings),
        links_cache_(cache, LinkCacheOptions(*settings)) {}

  void Register(Router* router);

  // The body is the export's lines (Content-Type: application/x-ndjson), at most
  // import_max_body_bytes; ?dry_run=true says what an import would do and writes nothing;
  // ?owner=USERNAME imports every link for that user (else each line's owner by username).
  // 200 {"ok": true, "data": {"dry_run", "imported", "clicks", "already_there",
  // "skipped_count", "skipped": [{"what": "line N" or a slug, "reason"}...] (the first
  // kMaxSkipsListed)}}. 401 without a credential (a session's POST
  // from another origin: 403, the CSRF rule); 403 forbidden for a caller who is not an
  // admin; 415 another content type; 413 a body over the limit; 422 naming "owner" (no such
  // user) or "dry_run" (not true/false); 503 when the database fails (the batches before it
  // are kept: importing the file again continues).
  Result<Response> Import(const Request& request);

 private:
  LinkTransfer* transfer_;
  AccountStore* accounts_;
  AuthGate* gate_;
  const LinkSettings* settings_;
  LinkCache links_cache_;
};

}  // namespace shortener

#endif  // SHORTENER_API_IMPORT_API_H_
