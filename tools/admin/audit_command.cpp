#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <optional>
#include <pqxx/pqxx>
#include <regex>

#include "eventstore/sql_time.hpp"
#include "tools/admin/commands.hpp"
#include "tools/admin/progress_meter.hpp"

namespace switchboard::tools::admin {
namespace {

namespace po = boost::program_options;

enum class Format { table, jsonl };

// Bounds the memory one round trip may take, whatever is asked for.
constexpr std::size_t kMaxBatch = 100'000;

struct AuditOptions {
  std::optional<std::string> tenant;
  std::optional<std::string> stream;
  std::optional<std::string> correlation;
  std::optional<std::string> since;
  std::optional<std::string> until;
  Format format = Format::table;
  std::size_t batch_size = 1000;
};

constexpr const char* kDescription =
    "Prints the events of the log that match every filter given (at least one of --tenant,\n"
    "--stream, --correlation), oldest first by recorded time, then global position. Times are\n"
    "ISO 8601 (2024-05-01, 2024-05-01T12:30:00Z, 2024-05-01T15:30:00+03:00; no zone means UTC);\n"
    "--since is inclusive, --until exclusive. Without --since the window starts 30 days before\n"
    "--until (or now). Rows are fetched through a cursor in batches from one snapshot, so a\n"
    "large history streams instead of loading at once; progress goes to stderr.";

// A shape check before PostgreSQL parses the value: it would also take words like 'yesterday',
// which would make scripts depend on more than ISO 8601.
const std::regex& iso_8601() {
  static const std::regex pattern(
      R"(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)");
  return pattern;
}

void check_time_shape(const std::optional<std::string>& value, const char* option) {
  if (value && !std::regex_match(*value, iso_8601())) {
    throw UsageError(fmt::format("{}: '{}' is not an ISO 8601 time (e.g. 2024-05-01T12:30:00Z)",
                                 option, *value));
  }
}

// Empty when --help was asked for (and printed).
std::optional<AuditOptions> parse_options(const Invocation& invocation) {
  AuditOptions o;
  std::string tenant, stream, correlation, since, until, format = "table";
  po::options_description options("Options");
  auto add = options.add_options();
  add("tenant", po::value(&tenant)->value_name("T"), "events whose metadata.tenant is T");
  add("stream", po::value(&stream)->value_name("S"), "events of stream S");
  add("correlation", po::value(&correlation)->value_name("C"),
      "events whose metadata.correlation_id is C");
  add("since", po::value(&since)->value_name("TIME"), "recorded at or after TIME");
  add("until", po::value(&until)->value_name("TIME"), "recorded before TIME");
  add("format", po::value(&format)->value_name("table|jsonl"),
      "table (default), or one JSON object per event");
  add("batch-size", po::value(&o.batch_size)->value_name("N"),
      "rows fetched per round trip (default 1000)");
  if (invocation.help) {
    print_help("audit (--tenant T | --stream S | --correlation C)... [options]", kDescription,
               options);
    return std::nullopt;
  }
  const auto values = parse_arguments(invocation.args, options);
  const auto given = [&](const char* name, std::string& value) -> std::optional<std::string> {
    if (values.count(name) == 0) return std::nullopt;
    if (value.empty()) throw UsageError(fmt::format("--{} needs a non-empty value", name));
    return value;
  };
  o.tenant = given("tenant", tenant);
  o.stream = given("stream", stream);
  o.correlation = given("correlation", correlation);
  o.since = given("since", since);
  o.until = given("until", until);
  if (!o.tenant && !o.stream && !o.correlation) {
    throw UsageError("audit needs at least one of --tenant, --stream, --correlation");
  }
  check_time_shape(o.since, "--since");
  check_time_shape(o.until, "--until");
  if (format == "table") {
    o.format = Format::table;
  } else if (format == "jsonl") {
    o.format = Format::jsonl;
  } else {
    throw UsageError(fmt::format("--format: '{}' is neither table nor jsonl", format));
  }
  if (o.batch_size < 1 || o.batch_size > kMaxBatch) {
    throw UsageError(fmt::format("--batch-size must be 1 to {}", kMaxBatch));
  }
  return o;
}

using AuditTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// PostgreSQL has the final word on a time (29 February, offsets); its refusal is a usage error,
// not a failure of the tool.
void check_times(AuditTransaction& tx, const AuditOptions& o) {
  const auto parse = [&](const std::optional<std::string>& value, const char* option) {
    if (!value) return;
    try {
      tx.exec_params("SELECT $1::timestamptz", *value);
    } catch (const pqxx::data_exception&) {
      throw UsageError(fmt::format("{}: '{}' is not a valid time", option, *value));
    }
  };
  parse(o.since, "--since");
  parse(o.until, "--until");
  if (o.since && o.until &&
      !tx.exec_params1("SELECT $1::timestamptz < $2::timestamptz", *o.since, *o.until)[0]
           .as<bool>()) {
    throw UsageError(fmt::format("--since {} is not before --until {}", *o.since, *o.until));
  }
}

// The filters become parameters; only the conditions asked for are in the statement, so the
// planner can pick the tenant, correlation or stream index.
void declare_cursor(AuditTransaction& tx, const AuditOptions& o) {
  std::vector<std::string> params;
  std::vector<std::string> where;
  const auto param = [&](const std::string& value) {
    params.push_back(value);
    return fmt::format("${}", params.size());
  };
  if (o.tenant) where.push_back("metadata ->> 'tenant' = " + param(*o.tenant));
  if (o.stream) where.push_back("stream_id = " + param(*o.stream));
  if (o.correlation) where.push_back("metadata ->> 'correlation_id' = " + param(*o.correlation));
  const auto until = o.until ? param(*o.until) + "::timestamptz" : std::string("now()");
  if (o.until) where.push_back("recorded_at < " + until);
  where.push_back("recorded_at >= " + (o.since ? param(*o.since) + "::timestamptz"
                                               : "(" + until + ") - interval '30 days'"));
  tx.exec_params(
      "DECLARE audit_events NO SCROLL CURSOR FOR"
      " SELECT global_position, epoch, tx_id::text, stream_id, stream_version, event_id::text,"
      "  event_type, data::text, metadata::text, " +
          eventstore::iso_time("recorded_at") +
          ", metadata ->> 'actor', metadata ->> 'correlation_id'"
          " FROM events WHERE " +
          fmt::format("{}", fmt::join(where, " AND ")) + " ORDER BY recorded_at, global_position",
      pqxx::prepare::make_dynamic_params(params));
}

void print_table_header() {
  fmt::print("{:<27}  {:>9}  {:<24}  {:>7}  {:<24}  {:<20}  {}\n", "TIME", "POSITION", "STREAM",
             "VERSION", "TYPE", "ACTOR", "CORRELATION");
}

void print_table_row(const pqxx::row& row) {
  const auto text = [&](int i) { return row[i].is_null() ? "-" : row[i].c_str(); };
  fmt::print("{:<27}  {:>9}  {:<24}  {:>7}  {:<24}  {:<20}  {}\n", text(9), text(0), text(3),
             text(4), text(6), text(10), text(11));
}

void print_json_row(const pqxx::row& row) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const auto string = [&](const char* key, int i) {
    w.Key(key);
    w.String(row[i].c_str(), static_cast<rapidjson::SizeType>(row[i].size()));
  };
  // jsonb's text form is valid JSON: it goes out as it is stored.
  const auto raw = [&](const char* key, int i, rapidjson::Type type) {
    w.Key(key);
    w.RawValue(row[i].c_str(), row[i].size(), type);
  };
  w.StartObject();
  w.Key("global_position");
  w.Int64(row[0].as<std::int64_t>());
  w.Key("epoch");
  w.Int(row[1].as<int>());
  w.Key("tx_id");
  w.Uint64(row[2].as<std::uint64_t>());
  string("stream_id", 3);
  w.Key("stream_version");
  w.Int64(row[4].as<std::int64_t>());
  string("event_id", 5);
  string("event_type", 6);
  string("recorded_at", 9);
  raw("data", 7, rapidjson::kObjectType);
  raw("metadata", 8, rapidjson::kObjectType);
  w.EndObject();
  fmt::print("{}\n", buffer.GetString());
}

}  // namespace

int run_audit(const Invocation& invocation) {
  const auto parsed = parse_options(invocation);
  if (!parsed) return kExitOk;
  const auto& o = *parsed;
  const auto url = resolve_database_url(invocation.connection);

  pqxx::connection c(url);
  AuditTransaction tx(c);
  // Times without a zone are UTC, whatever the server's default.
  tx.exec("SET LOCAL TIME ZONE 'UTC'");
  check_times(tx, o);
  declare_cursor(tx, o);

  if (o.format == Format::table) print_table_header();
  ProgressMeter meter("audit");
  std::uint64_t total = 0;
  const auto fetch = fmt::format("FETCH {} FROM audit_events", o.batch_size);
  for (;;) {
    const auto rows = tx.exec(fetch);
    for (const auto& row : rows) {
      if (o.format == Format::table) {
        print_table_row(row);
      } else {
        print_json_row(row);
      }
    }
    total += rows.size();
    std::fflush(stdout);
    meter.update(total);
    if (rows.size() < o.batch_size) break;
  }
  if (o.format == Format::table) fmt::print("({} event{})\n", total, total == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace switchboard::tools::admin
