#pragma once
// The comparison server of bench/ws_load.cpp: `node ws_node_broadcast.js MESSAGES` in a child
// process. start() fails (with the reason in error()) when node or its `ws` package is missing:
// the comparison is a bench-only extra (apt-get install node-ws).
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace minibroker::bench {

class node_server {
public:
  node_server() = default;
  node_server(const node_server&) = delete;
  node_server& operator=(const node_server&) = delete;
  ~node_server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_ != nullptr) {
      std::fclose(out_);
    }
  }

  // Runs `node script messages_file` and reads its `listening on HOST:PORT` line.
  bool start(const std::string& node, const std::string& script, const std::string& messages_file) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) {
      error_ = "pipe failed";
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    std::vector<std::string> args{node, script, messages_file};
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, node.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    out_ = ::fdopen(pipe_fds[0], "r");
    if (rc != 0) {
      pid_ = -1;
      error_ = node + " could not be started (is Node.js installed?)";
      return false;
    }
    char line[256] = {};
    unsigned port = 0;
    if (std::fgets(line, sizeof line, out_) == nullptr || std::sscanf(line, "listening on 127.0.0.1:%u", &port) != 1) {
      error_ = "the Node server did not start (is its ws package installed? apt-get install node-ws)";
      return false;
    }
    port_ = static_cast<std::uint16_t>(port);
    return true;
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

  // User plus system CPU seconds the Node process has used.
  [[nodiscard]] double cpu_seconds() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string field;
    // Fields 14 and 15 (utime, stime); the second, the command, has no spaces here ("node").
    for (int i = 1; i <= 13 && stat >> field; ++i) {
    }
    double utime = 0;
    double stime = 0;
    stat >> utime >> stime;
    return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

private:
  pid_t pid_ = -1;
  std::FILE* out_ = nullptr;
  std::uint16_t port_ = 0;
  std::string error_;
};

} // namespace minibroker::bench
