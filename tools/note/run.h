// note run: run commands as one shutdown group (notes::ShutdownGroup).
#ifndef NOTE_RUN_H
#define NOTE_RUN_H

#include <span>

namespace note_cli {

int run_command(std::span<char* const> args);

}  // namespace note_cli

#endif  // NOTE_RUN_H
