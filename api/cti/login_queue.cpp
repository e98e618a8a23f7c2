#include "api/cti/login_queue.hpp"

#include <algorithm>

namespace switchboard::api::cti {

Admission admit(std::size_t pending, int workers, std::chrono::microseconds login_time,
                std::chrono::milliseconds max_wait) {
  using std::chrono::microseconds;
  const auto w = static_cast<std::size_t>(std::max(workers, 1));
  const auto t = std::max(login_time, microseconds{1});
  // Taken while fewer rounds than fit in max_wait are ahead of it.
  const auto capacity = (static_cast<std::size_t>(max_wait / t) + 1) * w;
  if (pending < capacity) return {};
  const auto rounds_until_room = static_cast<microseconds::rep>((pending - capacity) / w + 1);
  return {false, std::max(std::chrono::ceil<std::chrono::seconds>(t * rounds_until_room),
                          std::chrono::seconds{1})};
}

LoginQueue::LoginQueue(LoginQueueSettings settings, std::chrono::microseconds login_time)
    : settings_{settings}, pool_{std::max(settings.workers, 1)} {
  stats_.login_time = login_time;
}

std::optional<std::chrono::seconds> LoginQueue::post(Login login) {
  {
    std::lock_guard lock(mutex_);
    const auto admission = admit(stats_.waiting + stats_.running, settings_.workers,
                                 stats_.login_time, settings_.max_wait);
    if (!admission.admitted) {
      ++stats_.refused;
      return admission.retry_after;
    }
    ++stats_.waiting;
  }
  pool_.post([this, login = std::move(login)]() mutable { run(login); });
  return std::nullopt;
}

void LoginQueue::run(Login& login) {
  {
    std::lock_guard lock(mutex_);
    --stats_.waiting;
    ++stats_.running;
  }
  // Counted out also when the login throws (the pool logs it).
  struct Done {
    LoginQueue& queue;
    std::optional<std::chrono::steady_clock::time_point> started;  // none: skipped
    ~Done() { queue.finished(started); }
  } done{*this, std::nullopt};
  if (login.abandoned && login.abandoned()) return login.skip();
  done.started = std::chrono::steady_clock::now();
  login.run();
}

void LoginQueue::finished(std::optional<std::chrono::steady_clock::time_point> started) {
  const auto took = started ? std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - *started)
                            : std::chrono::microseconds{0};
  std::lock_guard lock(mutex_);
  --stats_.running;
  if (!started) {
    ++stats_.abandoned;
    return;
  }
  ++stats_.served;
  // Follows a host getting busier (or the database slower) within a few logins.
  stats_.login_time = (stats_.login_time * 4 + took) / 5;
}

LoginQueueStats LoginQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace switchboard::api::cti
