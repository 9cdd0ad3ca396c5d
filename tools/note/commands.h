// The subcommands of `note`. Each takes the words after its name and returns the exit code.
#ifndef NOTE_COMMANDS_H
#define NOTE_COMMANDS_H

#include <span>

namespace note_cli {

int post_command(std::span<char* const> args);
int wait_command(std::span<char* const> args);
int signals_command(std::span<char* const> args);
int help_command();

}  // namespace note_cli

#endif  // NOTE_COMMANDS_H
