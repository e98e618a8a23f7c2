#pragma once

#include "tools/admin/command_line.hpp"

namespace switchboard::tools::admin {

// Each returns the process's exit code; a UsageError or another exception escapes to main.
int run_migrate(const Invocation& invocation);
int run_projections(const Invocation& invocation);
int run_verify(const Invocation& invocation);
int run_audit(const Invocation& invocation);
int run_tokens(const Invocation& invocation);
int run_agents(const Invocation& invocation);

}  // namespace switchboard::tools::admin
