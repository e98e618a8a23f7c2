#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>

#include "projections/rebuild.hpp"
#include "projections/registry.hpp"
#include "projections/runner.hpp"
#include "tools/admin/commands.hpp"
#include "tools/admin/progress_meter.hpp"
#include "tools/admin/projection_lookup.hpp"

namespace switchboard::tools::admin {
namespace {

namespace po = boost::program_options;

std::string checkpoint_text(const eventstore::Position& p) {
  return fmt::format("{}/{}/{}", p.epoch, p.tx_id, p.global_position);
}

std::string status_json(const projections::ProjectionStatus& s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("name");
  w.String(s.name.c_str(), static_cast<rapidjson::SizeType>(s.name.size()));
  w.Key("checkpoint");
  w.StartObject();
  w.Key("epoch");
  w.Int(s.checkpoint.epoch);
  w.Key("tx_id");
  w.Uint64(s.checkpoint.tx_id);
  w.Key("global_position");
  w.Int64(s.checkpoint.global_position);
  w.EndObject();
  w.Key("events_applied");
  w.Uint64(s.events_applied);
  w.Key("events_behind");
  w.Int64(s.events_behind);
  w.Key("seconds_behind");
  w.Double(s.seconds_behind);
  w.Key("owner");
  if (s.owner.empty()) {
    w.Null();
  } else {
    w.String(s.owner.c_str(), static_cast<rapidjson::SizeType>(s.owner.size()));
  }
  w.EndObject();
  return buffer.GetString();
}

void print_status_table(const std::vector<projections::ProjectionStatus>& statuses) {
  const std::array<std::string, 6> header{"PROJECTION",     "CHECKPOINT (EPOCH/TX/POSITION)",
                                          "APPLIED",        "BEHIND",
                                          "SECONDS BEHIND", "OWNER (PID@CLIENT)"};
  std::vector<std::array<std::string, 6>> rows{header};
  for (const auto& s : statuses) {
    rows.push_back({s.name, checkpoint_text(s.checkpoint), std::to_string(s.events_applied),
                    std::to_string(s.events_behind), fmt::format("{:.1f}", s.seconds_behind),
                    s.owner.empty() ? "-" : s.owner});
  }
  std::array<std::size_t, 6> width{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    fmt::print("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {:>{}}  {}\n", row[0], width[0], row[1], width[1],
               row[2], width[2], row[3], width[3], row[4], width[4], row[5]);
  }
}

int run_status(const Invocation& invocation, const std::vector<std::string>& args) {
  bool json = false;
  po::options_description options("Options");
  options.add_options()("json", po::bool_switch(&json),
                        "one JSON object per projection and line instead of a table");
  if (invocation.help) {
    print_help("projections status [--json]",
               "Checkpoint (epoch/tx/position), events applied, events behind the log, the age\n"
               "of the oldest unapplied event and the database session of the node applying it\n"
               "(its owner; '-' when no node does), for every projection and reactor.",
               options);
    return kExitOk;
  }
  parse_arguments(args, options);
  const auto url = resolve_database_url(invocation.connection);

  std::vector<projections::Follower> followers;
  for (const auto& p : projections::all_projections()) {
    followers.push_back(projections::follower_of(*p));
  }
  std::ranges::copy(projections::reactor_followers(), std::back_inserter(followers));
  const auto statuses = projections::projection_status(url, followers);
  if (json) {
    for (const auto& s : statuses) fmt::print("{}\n", status_json(s));
  } else {
    print_status_table(statuses);
  }
  return kExitOk;
}

int run_rebuild(const Invocation& invocation, const std::vector<std::string>& args) {
  std::string name;
  po::options_description options;
  options.add_options()("name", po::value(&name));
  po::positional_options_description positional;
  positional.add("name", 1);
  if (invocation.help) {
    print_help("projections rebuild NAME",
               "Replays the whole log into shadow tables while the live tables keep serving\n"
               "reads, then swaps them in one short transaction that also applies the newest\n"
               "events and moves the checkpoint. Readers and the live runner wait for the swap\n"
               "only.\n\nProjections: " +
                   projection_names(),
               {});
    return kExitOk;
  }
  parse_arguments(args, options, positional);
  if (name.empty()) throw UsageError("projections rebuild needs a projection NAME");
  const auto projection = find_projection(name);
  const auto url = resolve_database_url(invocation.connection);

  ProgressMeter meter("rebuild " + name);
  const auto applied =
      projections::rebuild(url, *projection, [&](std::uint64_t n) { meter.update(n); });
  fmt::print("rebuilt {}: {} events in {:.2f} s ({:.0f} events/s)\n", name, applied,
             meter.elapsed_seconds(), meter.events_per_second(applied));
  return kExitOk;
}

constexpr const char* kOverview =
    "Subcommands:\n"
    "  status          checkpoint, lag and owner of every projection and reactor\n"
    "  rebuild NAME    rebuild one projection from the log and swap it in\n"
    "\n"
    "Run 'switchboard-admin projections SUBCOMMAND --help' for its options.";

}  // namespace

int run_projections(const Invocation& invocation) {
  if (invocation.args.empty() || invocation.args.front().starts_with('-')) {
    if (invocation.help) {
      print_help("projections SUBCOMMAND [options]", kOverview, {});
      return kExitOk;
    }
    throw UsageError("projections needs a subcommand: status or rebuild");
  }
  const auto& sub = invocation.args.front();
  const std::vector<std::string> rest(invocation.args.begin() + 1, invocation.args.end());
  if (sub == "status") return run_status(invocation, rest);
  if (sub == "rebuild") return run_rebuild(invocation, rest);
  throw UsageError(
      fmt::format("unknown projections subcommand '{}'; expected status or rebuild", sub));
}

}  // namespace switchboard::tools::admin
