#include "api/routes/sql_views.hpp"

namespace switchboard::api::routes {

void put_nullable(domain::JsonWriter& w, const char* key, const pqxx::field& f) {
  w.Key(key);
  if (f.is_null()) {
    w.Null();
  } else {
    w.String(f.c_str());
  }
}

void put_nullable_number(domain::JsonWriter& w, const char* key, const pqxx::field& f) {
  w.Key(key);
  if (f.is_null()) {
    w.Null();
  } else {
    w.Int64(f.as<std::int64_t>());
  }
}

void put_nullable_flag(domain::JsonWriter& w, const char* key, const pqxx::field& f) {
  w.Key(key);
  if (f.is_null()) {
    w.Null();
  } else {
    w.Bool(f.as<bool>());
  }
}

void put_raw_json(domain::JsonWriter& w, const char* key, const pqxx::field& f) {
  w.Key(key);
  if (f.is_null()) {
    w.Null();
    return;
  }
  const std::string_view text = f.c_str();
  w.RawValue(text.data(), text.size(), rapidjson::kObjectType);
}

}  // namespace switchboard::api::routes
