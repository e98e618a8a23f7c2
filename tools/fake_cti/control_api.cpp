#include "tools/fake_cti/control_api.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "tools/json_text.hpp"

namespace switchboard::tools::fake_cti {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct Answer {
  http::status status = http::status::ok;
  std::string body = "{}";
};

Answer handle(FakeCtiServer& server, const http::request<http::string_body>& request) {
  const std::string target{request.target()};
  if (request.method() == http::verb::get && target == "/state")
    return {http::status::ok, server.state_json()};
  if (request.method() != http::verb::post)
    return {http::status::method_not_allowed, R"({"error":"POST"})"};
  rapidjson::Document d;
  d.Parse(request.body().data(), request.body().size());
  if (!request.body().empty() && (d.HasParseError() || !d.IsObject())) {
    return {http::status::bad_request, R"({"error":"the body must be a JSON object"})"};
  }
  const auto login = text(d, "login");
  if (target == "/incoming") {
    const auto call = server.incoming_call(login, text(d, "caller"));
    if (!call) return {http::status::conflict, R"({"error":"login not attached"})"};
    return {http::status::ok,
            R"({"cid":")" + call->cid + R"(","sessionId":")" + call->session_id + R"("})"};
  }
  if (target == "/hangup") {
    if (!server.far_end_hangup(login, text(d, "cid")))
      return {http::status::not_found, R"({"error":"no such call"})"};
    return {};
  }
  if (target == "/transfer-failed") {
    const auto status = text(d, "status");
    if (!server.transfer_failed(login, text(d, "cid"), status.empty() ? 7 : std::stoi(status))) {
      return {http::status::not_found, R"({"error":"no such call"})"};
    }
    return {};
  }
  if (target == "/event") {
    const auto event = d.IsObject() ? d.FindMember("event") : d.MemberEnd();
    if (event == d.MemberEnd() || !event->value.IsObject()) {
      return {http::status::bad_request, R"({"error":"event must be an object"})"};
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
    event->value.Accept(w);
    const int sent = server.send_event(login, {buffer.GetString(), buffer.GetSize()});
    return {http::status::ok, R"({"sent":)" + std::to_string(sent) + "}"};
  }
  if (target == "/mode") {
    const auto reply = text(d, "reply");
    const auto delay = text(d, "delayMs");
    const auto mode = reply == "error"    ? ReplyMode::error
                      : reply == "silent" ? ReplyMode::silent
                                          : ReplyMode::normal;
    server.set_reply_mode(mode, std::chrono::milliseconds{delay.empty() ? 0 : std::stol(delay)});
    return {};
  }
  if (target == "/refuse-login") {
    server.refuse_login(login);
    return {};
  }
  if (target == "/drop") {
    server.drop_connections();
    return {};
  }
  return {http::status::not_found, R"({"error":"no such control"})"};
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, FakeCtiServer& server)
      : stream_(std::move(socket)), server_(server) {}

  void read() {
    request_ = {};
    http::async_read(
        stream_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return;
          Answer answer;
          try {
            answer = handle(self->server_, self->request_);
          } catch (const std::exception& e) {
            answer = {http::status::bad_request, R"({"error":"bad request"})"};
          }
          auto response = std::make_shared<http::response<http::string_body>>(
              answer.status, self->request_.version());
          response->set(http::field::content_type, "application/json");
          response->keep_alive(self->request_.keep_alive());
          response->body() = std::move(answer.body);
          response->prepare_payload();
          http::async_write(
              self->stream_, *response, [self, response](beast::error_code ec, std::size_t) {
                if (ec || !response->keep_alive()) {
                  beast::error_code ignored;
                  self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                  return;
                }
                self->read();
              });
        });
  }

 private:
  beast::tcp_stream stream_;
  FakeCtiServer& server_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

}  // namespace

ControlApi::ControlApi(net::io_context& io, const tcp::endpoint& endpoint, FakeCtiServer& server)
    : acceptor_(io), server_(server) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  accept();
}

void ControlApi::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;
    std::make_shared<Connection>(std::move(socket), server_)->read();
    accept();
  });
}

}  // namespace switchboard::tools::fake_cti
