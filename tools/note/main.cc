// note: post, wait for and list notes from the shell, and run commands as a shutdown group.
#include <span>
#include <string_view>

#include <fmt/core.h>

#include "cli.h"
#include "commands.h"
#include "run.h"

int main(int argc, char** argv) {
  using namespace note_cli;
  std::span<char* const> words(argv + 1, argc > 0 ? static_cast<size_t>(argc - 1) : 0);
  if (words.empty()) return usage_error("missing subcommand (try note --help)");
  std::string_view name = words[0];
  std::span<char* const> args = words.subspan(1);
  if (name == "post") return post_command(args);
  if (name == "wait") return wait_command(args);
  if (name == "run") return run_command(args);
  if (name == "signals") return signals_command(args);
  if (name == "help" || name == "--help" || name == "-h") return help_command();
  if (name.size() > 1 && name[0] == '-')
    return usage_error(fmt::format("unknown option: {}", name));
  return usage_error(fmt::format("unknown subcommand: {} (try note --help)", name));
}
