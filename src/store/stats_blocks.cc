// Stats blocks in the shared cache (see stats_blocks.h).
#include "store/stats_blocks.h"

#include <nlohmann/json.hpp>

#include "domain/day_values.h"

namespace shortener {

namespace {

constexpr int64_t kBlockTtlSeconds = 30 * 86400;

}  // namespace

std::string EncodeStatsBlock(const StatsBlock& block) {
  nlohmann::json breakdowns = nlohmann::json::array();
  for (const ValueCounts& counts : block.breakdowns) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [value, clicks] : counts) values[value] = clicks;
    breakdowns.push_back(std::move(values));
  }
  return nlohmann::json{{"v", block.visits}, {"u", block.unique_visitors}, {"b", breakdowns}}
      .dump();
}

std::optional<StatsBlock> DecodeStatsBlock(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.size() != 3) return std::nullopt;
  auto v = j.find("v");
  auto u = j.find("u");
  auto b = j.find("b");
  if (v == j.end() || u == j.end() || b == j.end()) return std::nullopt;
  if (!v->is_number_unsigned() || !u->is_array() || !b->is_array()) return std::nullopt;
  if (u->size() != static_cast<size_t>(kStatsBlockDays) || b->size() != kBreakdownCount) {
    return std::nullopt;
  }
  StatsBlock block;
  block.visits = v->get<uint64_t>();
  for (size_t i = 0; i < block.unique_visitors.size(); ++i) {
    if (!(*u)[i].is_number_unsigned()) return std::nullopt;
    block.unique_visitors[i] = (*u)[i].get<uint64_t>();
  }
  for (size_t i = 0; i < kBreakdownCount; ++i) {
    if (!(*b)[i].is_object()) return std::nullopt;
    for (const auto& [value, clicks] : (*b)[i].items()) {
      if (!IsStoredValue(value) || !clicks.is_number_unsigned()) return std::nullopt;
      block.breakdowns[i][value] = clicks.get<uint64_t>();
    }
  }
  return block;
}

CachedStatsBlocks::CachedStatsBlocks(Cache* cache, const Link& link)
    : cache_(cache),
      prefix_("sb1:" + std::to_string(link.id) + ":" + std::to_string(link.created_at) + ":") {}

std::string CachedStatsBlocks::Key(int64_t block) const { return prefix_ + std::to_string(block); }

std::vector<std::optional<StatsBlock>> CachedStatsBlocks::Get(const std::vector<int64_t>& blocks) {
  std::vector<std::string> keys;
  keys.reserve(blocks.size());
  for (int64_t block : blocks) keys.push_back(Key(block));
  std::vector<std::optional<std::string>> texts = cache_->GetMany(keys);
  std::vector<std::optional<StatsBlock>> kept;
  kept.reserve(blocks.size());
  for (const std::optional<std::string>& text : texts) {
    kept.push_back(text ? DecodeStatsBlock(*text) : std::nullopt);
  }
  return kept;
}

void CachedStatsBlocks::Put(int64_t block, const StatsBlock& stats) {
  cache_->Set(Key(block), EncodeStatsBlock(stats), kBlockTtlSeconds);
}

}  // namespace shortener
