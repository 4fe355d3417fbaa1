// The web interface's import (see import_api.h).
#include "api/import_api.h"

#include <map>
#include <string>
#include <string_view>

#include "api/link_import.h"
#include "http/respond.h"

namespace shortener {

void ImportApi::Register(Router* router) {
  router->Add("POST", kImportPath, Router::Slash::kTolerant,
              [this](const Request& r, const std::string&) { return Import(r); });
}

Result<Response> ImportApi::Import(const Request& request) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  if (!who.is_admin) {
    return Error::Make(ErrorCode::kForbidden, "Only an administrator may import links.");
  }
  if (request.body_too_large) {
    return Error::Make(ErrorCode::kPayloadTooLarge,
                       "The export is larger than import_max_body_bytes; import it with "
                       "shortener-admin import jsonl instead.");
  }
  if (!HasMediaType(request.content_type, "application/x-ndjson")) {
    return Error::Make(ErrorCode::kUnsupportedMediaType,
                       "Send the export's lines with Content-Type: application/x-ndjson.");
  }
  using Query = std::map<std::string, std::string>;
  ASSIGN_OR_RETURN(Query query, ParseQuery(request.query));
  ExportImportOptions options;
  options.policy = &settings_->url_policy;
  options.freed_slug_hold = settings_->freed_slug_hold;
  options.imported = [this](const std::string& slug) { links_cache_.MarkChanged(slug); };
  if (auto it = query.find("dry_run"); it != query.end()) {
    if (it->second != "true" && it->second != "false") {
      return Error::Validation("dry_run", "dry_run must be true or false.");
    }
    options.dry_run = it->second == "true";
  }
  if (auto it = query.find("owner"); it != query.end()) {
    Result<User> owner = accounts_->FindUser(it->second);
    if (!owner.ok() && owner.error().code == ErrorCode::kNotFound) {
      return Error::Validation("owner", "No user is called '" + it->second + "'.");
    }
    if (!owner.ok()) return owner.error();
    options.owner_id = owner.value().id;
  }
  // The body's lines, one at a time (the body is kept whole: its size is bounded above).
  std::string_view rest = request.body;
  LineReader next_line = [&rest](std::string* line) {
    if (rest.empty()) return false;
    const size_t end = rest.find('\n');
    std::string_view text = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line->assign(text);
    return true;
  };
  ImportSummary summary;
  RETURN_IF_ERROR(ImportExportLines(next_line, transfer_, accounts_, options, &summary));
  nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
  for (const ImportSkip& skip : summary.skipped) {
    skipped.push_back({{"what", skip.what}, {"reason", skip.reason}});
  }
  return JsonResponse(200, {{"ok", true},
                            {"data",
                             {{"dry_run", options.dry_run},
                              {"imported", summary.imported},
                              {"clicks", summary.clicks},
                              {"already_there", summary.already_there},
                              {"skipped_count", summary.skipped_count},
                              {"skipped", std::move(skipped)}}}});
}

}  // namespace shortener
