// The down and up lines of OutageLog.
#include "store/outage.h"

#include <utility>

#include "base/log.h"

namespace shortener {

OutageLog::OutageLog(std::string backend, std::string effect, std::string affected)
    : backend_(std::move(backend)), effect_(std::move(effect)), affected_(std::move(affected)) {}

void OutageLog::Failed(const std::string& detail, TimePoint now) {
  if (!down_) {
    down_ = true;
    down_since_ = now;
    affected_count_ = 0;
    Log(Severity::kWarn, "%s down (%s); %s until it is back", backend_.c_str(), detail.c_str(),
        effect_.c_str());
  }
  ++affected_count_;
}

void OutageLog::Succeeded(TimePoint now) {
  if (!down_) return;
  down_ = false;
  double seconds = std::chrono::duration<double>(now - down_since_).count();
  Log(Severity::kInfo, "%s up again after %.1f s; %llu %s meanwhile", backend_.c_str(), seconds,
      static_cast<unsigned long long>(affected_count_), affected_.c_str());
}

}  // namespace shortener
