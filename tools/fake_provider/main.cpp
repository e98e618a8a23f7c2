// switchboard-fake-provider: a messaging provider to run Switchboard against (docs/messaging.md,
// "Delivery to providers"; how to drive it by hand: docs/fake-provider.md).
//
//   switchboard-fake-provider --port P --control-port C [--address 127.0.0.1]
//                             [--token T ...] [--channels N]
//                             [--tls-cert F --tls-key F [--tls-client-ca F]]
//
// Serves the provider endpoints on P: GET /accounts, POST /messages, POST /chats/read,
// POST /messages/text, POST /messages/status, POST /app-disabled, GET /history?cursor=,
// POST /bulk, POST /webhook, DELETE /webhook (provider_endpoints.hpp), so a provider
// configuration points at http://127.0.0.1:P/<path>. Every request needs
// `Authorization: Bearer <T>` with a token given by --token or POST /tokens (else 401); a
// repeated Idempotency-Key gets the first answer again and is recorded as a repeat.
//
// The control interface on C (control_api.hpp) switches modes (normal, down, slow, failing),
// sets tokens, accounts and history, shows every request received, and pushes messages into
// Switchboard as the provider. Runs until SIGINT or SIGTERM.
//
// --channels N: the accounts list_accounts reports, ch-1..ch-N (default 1); 0 makes a
// single-channel provider, which reports none.
//
// --tls-cert/--tls-key: the provider endpoints speak HTTPS with this certificate (the control
// interface stays plain HTTP); --tls-client-ca: and they require a client certificate issued by
// this CA, as a provider demanding mutual TLS does.

#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>
#include <iostream>

#include "tools/fake_provider/control_api.hpp"
#include "tools/fake_provider/fake_provider.hpp"

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  namespace net = boost::asio;
  namespace fake = switchboard::tools::fake_provider;
  std::string address;
  unsigned port = 0;
  unsigned control_port = 0;
  std::vector<std::string> tokens;
  int channels = 1;
  fake::TlsFiles tls;
  po::options_description options{"Options"};
  options.add_options()("help,h", "show this help")("port", po::value(&port)->required(),
                                                    "port of the provider endpoints")(
      "control-port", po::value(&control_port)->required(), "port of the HTTP control interface")(
      "address", po::value(&address)->default_value("127.0.0.1"), "listen address")(
      "token", po::value(&tokens)->composing(), "a client token the provider accepts (repeatable)")(
      "channels", po::value(&channels)->default_value(1),
      "accounts list_accounts reports (0: a single-channel provider)")(
      "tls-cert", po::value(&tls.cert_file),
      "PEM certificate chain: serve the endpoints over HTTPS")("tls-key", po::value(&tls.key_file),
                                                               "PEM private key of --tls-cert")(
      "tls-client-ca", po::value(&tls.client_ca_file),
      "PEM CA certificates: require a client certificate they issued");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    if (args.contains("help")) {
      std::cout << "Usage: switchboard-fake-provider --port P --control-port C [options]\n"
                << options;
      return 0;
    }
    po::notify(args);
    if (channels < 0) throw po::error("--channels must not be negative");
    if (port > 65535 || control_port > 65535) throw po::error("ports go up to 65535");
    if (tls.cert_file.empty() != tls.key_file.empty()) {
      throw po::error("--tls-cert and --tls-key go together");
    }
    if (!tls.client_ca_file.empty() && tls.cert_file.empty()) {
      throw po::error("--tls-client-ca needs --tls-cert and --tls-key");
    }
  } catch (const po::error& e) {
    std::cerr << "switchboard-fake-provider: " << e.what() << "\n" << options;
    return 2;
  }
  try {
    net::io_context io;
    const auto ip = net::ip::make_address(address);
    fake::FakeProvider provider{io, {ip, static_cast<unsigned short>(port)}, channels, tokens, tls};
    fake::ControlApi control{io, {ip, static_cast<unsigned short>(control_port)}, provider};
    net::signal_set signals{io, SIGINT, SIGTERM};
    signals.async_wait([&io](const boost::system::error_code&, int signal) {
      spdlog::info("signal {}: stopping", signal);
      io.stop();
    });
    spdlog::info(
        "fake provider on {}://{}:{}/{} (control http://{}:{}/), {} token(s), {} channel(s)",
        provider.tls() ? "https" : "http", address, provider.port(),
        tls.client_ca_file.empty() ? "" : " (client certificate required)", address, control.port(),
        tokens.size(), channels);
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "switchboard-fake-provider: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
