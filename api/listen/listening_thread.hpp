#pragma once

// A thread that LISTENs on PostgreSQL channels and does its owner's work between notifications:
// what the read model watch and the CTI event feed share. It keeps one connection, makes a new one
// shortly after it is lost, and sleeps until a notification, a wake() or the owner's next turn.

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace switchboard::api::listen {

// The owner's side; every call comes from the listening thread.
class Listener {
 public:
  struct Turn {
    // When the next turn is due unless something wakes the thread before.
    std::chrono::steady_clock::time_point next;
    // The connection failed the owner's work: listen on a new one.
    bool reconnect = false;
  };

  virtual ~Listener() = default;
  // Listening on a new connection: notifications sent while there was none are lost.
  virtual void listening() = 0;
  // Not listening: the connection was lost or could not be made (each try), or the thread stops.
  virtual void lost() = 0;
  virtual void notified(const std::string& channel, const std::string& payload) = 0;
  // The owner's work, after the notifications that arrived; `connection` is the listening one,
  // or null while there is none.
  virtual Turn turn(pqxx::connection_base* connection) = 0;
};

class ListeningThread {
 public:
  // `name` says in the log whose connection failed.
  ListeningThread(std::string database_url, std::vector<std::string> channels, std::string name,
                  Listener& listener);
  ~ListeningThread();
  ListeningThread(const ListeningThread&) = delete;
  ListeningThread& operator=(const ListeningThread&) = delete;

  void start();
  // Returns once the thread has ended: the listener is not called any more.
  void stop();
  // An early turn, e.g. for work the owner was given. Safe from any thread at any time in the
  // object's life, also while or after it stops: owners wake it after handing over work outside
  // their lock, so a stop() may come in between.
  void wake();

 private:
  void run();

  std::string url_;
  std::vector<std::string> channels_;
  std::string name_;
  Listener& listener_;
  std::atomic<bool> stopping_ = false;
  // Made with the object and closed with it, never by stop(): a wake() that raced stop() would
  // otherwise write to a closed descriptor, or to whatever file or socket reused its number.
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace switchboard::api::listen
