#include "api/wiring/login_metrics.hpp"

#include <fmt/format.h>

namespace switchboard::api::wiring {

void add_login_metrics(http::Metrics& metrics, const cti::LoginQueue& logins) {
  metrics.add_collector([&logins](std::string& out) {
    const auto s = logins.stats();
    out +=
        "# HELP switchboard_cti_logins_total CTI logins by outcome: served (password checked), "
        "refused (503 at once: the queue was full), abandoned (the client had gone before its "
        "turn: not checked).\n";
    out += "# TYPE switchboard_cti_logins_total counter\n";
    out += fmt::format("switchboard_cti_logins_total{{outcome=\"served\"}} {}\n", s.served);
    out += fmt::format("switchboard_cti_logins_total{{outcome=\"refused\"}} {}\n", s.refused);
    out += fmt::format("switchboard_cti_logins_total{{outcome=\"abandoned\"}} {}\n", s.abandoned);
    out += "# HELP switchboard_cti_login_queue CTI logins waiting for a worker or running.\n";
    out += "# TYPE switchboard_cti_login_queue gauge\n";
    out += fmt::format("switchboard_cti_login_queue{{state=\"waiting\"}} {}\n", s.waiting);
    out += fmt::format("switchboard_cti_login_queue{{state=\"running\"}} {}\n", s.running);
    out +=
        "# HELP switchboard_cti_login_seconds How long a CTI login holds a worker, as the queue "
        "estimates it to admit logins.\n";
    out += "# TYPE switchboard_cti_login_seconds gauge\n";
    out += fmt::format("switchboard_cti_login_seconds {:.3f}\n",
                       std::chrono::duration<double>(s.login_time).count());
  });
}

}  // namespace switchboard::api::wiring
