#include <pqxx/pqxx>

#include "api/routes/admin/admin.hpp"
#include "api/routes/sql_views.hpp"

namespace switchboard::api::routes::admin {

// The error log, newest first: every error answer of the public API and every failed delivery
// to a provider, filtered by source, tenant and provider.
http::HandlerFor<auth::Principal> list_errors(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal&) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto& p = std::get<PageRequest>(page);
    const auto before =
        p.cursor.empty() ? std::optional<std::int64_t>{INT64_MAX} : to_integer(p.cursor);
    if (!before) return bad_cursor();
    const auto source = request.query_param("source");
    if (source && *source != "public_api" && *source != "delivery") {
      return http::problem(400, "invalid request", "bad query parameter",
                           {{"source", "public_api or delivery"}});
    }
    const auto filter = [&](const char* name) {
      auto value = request.query_param(name);
      return value && !value->empty() ? value : std::nullopt;
    };
    return http::json(200, deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      const auto rows = tx.exec_params(
          "SELECT id, " + iso_time("recorded_at") +
              ", source, tenant_id, provider_code, method, route, status, problem::text,"
              " request_id FROM error_log"
              " WHERE id < $1 AND ($2::text IS NULL OR source = $2)"
              " AND ($3::text IS NULL OR tenant_id = $3)"
              " AND ($4::text IS NULL OR provider_code = $4)"
              " ORDER BY id DESC LIMIT $5",
          *before, source, filter("tenant_id"), filter("provider_code"), p.limit + 1);
      return page_of(
          rows, p.limit,
          [](domain::JsonWriter& w, const pqxx::row& r) {
            w.Key("id");
            w.Int64(r[0].as<std::int64_t>());
            domain::put(w, "recorded_at", r[1].c_str());
            domain::put(w, "source", r[2].c_str());
            put_nullable(w, "tenant_id", r[3]);
            put_nullable(w, "provider_code", r[4]);
            put_nullable(w, "method", r[5]);
            put_nullable(w, "route", r[6]);
            put_nullable_number(w, "status", r[7]);
            put_raw_json(w, "problem", r[8]);
            put_nullable(w, "request_id", r[9]);
          },
          [](const pqxx::row& r) { return std::string(r[0].c_str()); });
    }));
  };
}

}  // namespace switchboard::api::routes::admin
