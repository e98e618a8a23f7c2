// switchboard-fake-cti: a CTI API (protocol 13) to run the middleware against.
//
//   switchboard-fake-cti [--address 127.0.0.1] [--port 8098] [--control-port 8099]
//
// Serves WebSocket (subprotocol nauphone-cti-protocol) on --port and the control interface
// (tools/fake_cti/control_api.hpp) on --control-port until SIGINT or SIGTERM.

#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>
#include <iostream>

#include "tools/fake_cti/control_api.hpp"
#include "tools/fake_cti/fake_cti_server.hpp"

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  namespace net = boost::asio;
  std::string address;
  unsigned port = 0;
  unsigned control_port = 0;
  po::options_description options{"Options"};
  options.add_options()("help,h", "show this help")(
      "address", po::value(&address)->default_value("127.0.0.1"), "listen address")(
      "port", po::value(&port)->default_value(8098), "WebSocket port of the CTI API")(
      "control-port", po::value(&control_port)->default_value(8099), "HTTP control port");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    po::notify(args);
  } catch (const po::error& e) {
    std::cerr << "switchboard-fake-cti: " << e.what() << "\n" << options;
    return 2;
  }
  if (args.contains("help")) {
    std::cout << "Usage: switchboard-fake-cti [options]\n" << options;
    return 0;
  }
  try {
    net::io_context io;
    const auto ip = net::ip::make_address(address);
    switchboard::tools::fake_cti::FakeCtiServer server{io, {ip, static_cast<unsigned short>(port)}};
    switchboard::tools::fake_cti::ControlApi control{
        io, {ip, static_cast<unsigned short>(control_port)}, server};
    net::signal_set signals{io, SIGINT, SIGTERM};
    signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
    spdlog::info("fake CTI API on ws://{}:{}/ (control http://{}:{}/)", address, server.port(),
                 address, control_port);
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "switchboard-fake-cti: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
