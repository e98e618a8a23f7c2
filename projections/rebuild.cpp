#include "projections/rebuild.hpp"

#include <optional>
#include <pqxx/pqxx>

#include "eventstore/reader.hpp"
#include "projections/checkpoint.hpp"

namespace switchboard::projections {
namespace {

constexpr std::size_t kBatch = 2000;

struct Shadow {
  std::string schema;
  Checkpoint reached;
};

std::string quoted(pqxx::connection& c, const std::string& name) {
  return c.quote_name(name);
}

void create_shadow(pqxx::connection& c, const std::string& schema, Projection& projection) {
  pqxx::work tx(c);
  tx.exec("DROP SCHEMA IF EXISTS " + quoted(c, schema) + " CASCADE");
  tx.exec("CREATE SCHEMA " + quoted(c, schema));
  for (const auto& t : projection.tables()) {
    const auto shadow = quoted(c, schema) + "." + quoted(c, t);
    tx.exec("CREATE TABLE " + shadow + " (LIKE public." + quoted(c, t) + " INCLUDING ALL)");
    // LIKE leaves out storage parameters (a fillfactor that keeps updates on their page): the
    // swapped-in table must keep them.
    const auto options = tx.exec_params(
        "SELECT array_to_string(reloptions, ', ') FROM pg_class"
        " WHERE oid = ('public.' || quote_ident($1))::regclass AND reloptions IS NOT NULL",
        t);
    if (!options.empty()) tx.exec("ALTER TABLE " + shadow + " SET (" + options[0][0].c_str() + ")");
  }
  tx.commit();
}

// Applies events after `shadow.reached` (and not past `until`, when given) into the shadow
// tables, inside tx. Returns false when nothing was left to apply.
bool apply_batch(pqxx::transaction_base& tx, Projection& projection, Shadow& shadow,
                 const std::optional<eventstore::Position>& until) {
  auto events = eventstore::read_all(tx, shadow.reached.position, kBatch);
  if (until) {
    std::erase_if(events, [&](const auto& e) { return *until < e.position; });
  }
  if (events.empty()) return false;
  tx.exec("SET LOCAL search_path = " + tx.quote_name(shadow.schema) + ", public");
  projection.apply(tx, events);
  tx.exec("SET LOCAL search_path = public");
  shadow.reached.position = events.back().position;
  shadow.reached.events_applied += events.size();
  return true;
}

Shadow build_shadow(pqxx::connection& c, const std::string& schema, Projection& projection,
                    const std::optional<eventstore::Position>& until, const Progress& progress) {
  create_shadow(c, schema, projection);
  Shadow shadow{schema, {}};
  for (;;) {
    pqxx::work tx(c);
    if (!apply_batch(tx, projection, shadow, until)) break;
    tx.commit();
    if (progress) progress(shadow.reached.events_applied);
  }
  return shadow;
}

void drop_schema(pqxx::connection& c, const std::string& schema) {
  pqxx::work tx(c);
  tx.exec("DROP SCHEMA IF EXISTS " + quoted(c, schema) + " CASCADE");
  tx.commit();
}

}  // namespace

std::uint64_t rebuild(const std::string& admin_url, Projection& projection,
                      const Progress& progress) {
  pqxx::connection c(admin_url);
  const std::string schema = "rebuild_" + projection.name();
  auto shadow = build_shadow(c, schema, projection, std::nullopt, progress);

  pqxx::work tx(c);
  // The live runner blocks on these locks; readers wait only for the swap itself.
  for (const auto& t : projection.tables()) {
    tx.exec("LOCK TABLE public." + tx.quote_name(t) + " IN ACCESS EXCLUSIVE MODE");
  }
  while (apply_batch(tx, projection, shadow, std::nullopt)) {
  }
  for (const auto& t : projection.tables()) {
    tx.exec("DROP TABLE public." + tx.quote_name(t));
    tx.exec("ALTER TABLE " + tx.quote_name(schema) + "." + tx.quote_name(t) + " SET SCHEMA public");
    // Whoever runs the rebuild owns the new table; the application must still write it.
    tx.exec("GRANT SELECT, INSERT, UPDATE, DELETE ON public." + tx.quote_name(t) +
            " TO switchboard_app");
  }
  store_checkpoint(tx, projection.name(), shadow.reached);
  tx.exec_params("SELECT pg_notify($1, $2)", std::string{rebuilt_channel}, projection.name());
  tx.exec("DROP SCHEMA " + tx.quote_name(schema));
  tx.commit();
  if (progress) progress(shadow.reached.events_applied);
  return shadow.reached.events_applied;
}

std::vector<TableDifference> verify(const std::string& admin_url, Projection& projection,
                                    const Progress& progress) {
  pqxx::connection c(admin_url);
  const std::string schema = "verify_" + projection.name();
  Checkpoint live;
  {
    pqxx::work tx(c);
    live = load_checkpoint(tx, projection.name());
    tx.commit();
  }
  auto shadow = build_shadow(c, schema, projection, live.position, progress);

  std::vector<TableDifference> differences;
  {
    pqxx::work tx(c);
    // Hold the live runner still, then bring the scratch copy to exactly its checkpoint.
    for (const auto& t : projection.tables()) {
      tx.exec("LOCK TABLE public." + tx.quote_name(t) + " IN SHARE MODE");
    }
    live = load_checkpoint(tx, projection.name());
    while (apply_batch(tx, projection, shadow, live.position)) {
    }
    for (const auto& t : projection.tables()) {
      const auto live_t = "public." + tx.quote_name(t);
      const auto rebuilt_t = tx.quote_name(schema) + "." + tx.quote_name(t);
      const auto r = tx.exec("SELECT (SELECT count(*) FROM (SELECT * FROM " + live_t +
                             " EXCEPT ALL SELECT * FROM " + rebuilt_t +
                             ") a),"
                             " (SELECT count(*) FROM (SELECT * FROM " +
                             rebuilt_t + " EXCEPT ALL SELECT * FROM " + live_t + ") b)");
      TableDifference d{t, r[0][0].as<std::int64_t>(), r[0][1].as<std::int64_t>()};
      if (d.only_live != 0 || d.only_rebuilt != 0) differences.push_back(d);
    }
    tx.abort();
  }
  drop_schema(c, schema);
  return differences;
}

}  // namespace switchboard::projections
