// Mapping Plan 9 file names onto the host.
//
// A Plan 9 program names files in its name space; p9run gives it the host's file system with a
// few changes: kernel device names (#c, #e, #p, #d) become their usual mount points, /dev and
// /proc hold the synthetic files of devfiles.h, /fd/N is descriptor N (Plan 9's #d), /env is a
// directory of the host environment made for the session, and `-b plan9=host` binds add prefix
// mappings (for example /bin onto a directory of Plan 9 binaries). Everything else is the host
// file of the same name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace p9run {

// A synthetic file (devfiles.cc).
enum class Special {
  kNone,
  kCons,      // /dev/cons: the terminal (standard input/output)
  kConsctl,   // /dev/consctl: accepts and ignores writes
  kStatic,    // content fixed at open: /dev/pid, /dev/user, /dev/sysstat, /proc/N/status, ...
  kTime,      // /dev/time
  kBintime,   // /dev/bintime
  kNote,      // /proc/N/note
  kNotepg,    // /proc/N/notepg
  kCtl,       // /proc/N/ctl
  kNoteid,    // /proc/N/noteid
  kProcText,  // /proc/N/text: the a.out, a host file
  kFd,        // /fd/N
  kProcDir,   // /proc or /proc/N: not listable
};

struct Resolved {
  std::string plan9;  // the cleaned Plan 9 name
  std::string host;   // the host name (Special::kNone, kProcText)
  Special special = Special::kNone;
  int32_t pid = 0;  // /proc/N/...
  int fd = -1;      // /fd/N
};

// Adds a bind: names under `plan9` (absolute) map to names under `host`.
void add_bind(std::string plan9, std::string host);

// Maps `name`. False (with the error string set) when the name cannot exist here.
bool resolve(std::string_view name, Resolved& out);

// The Plan 9 name of host file `host` (fd2path): binds undone, the rest unchanged.
std::string plan9_name(std::string_view host);

// Cleans a Plan 9 path like cleanname(2): no "//", ".", or "..".
std::string clean_name(std::string_view path);

}  // namespace p9run
