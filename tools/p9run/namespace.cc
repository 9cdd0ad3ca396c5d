// Plan 9 names to host names (see namespace.h).
#include "namespace.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "errors.h"
#include "plan9.h"
#include "session.h"

namespace p9run {
namespace {

struct Bind {
  std::string plan9;  // cleaned, absolute, no trailing slash (except "/")
  std::string host;
};

std::vector<Bind>& binds() {
  static std::vector<Bind> b;
  return b;
}

bool has_prefix(std::string_view s, std::string_view p) {
  if (s.substr(0, p.size()) != p) return false;
  return s.size() == p.size() || p == "/" || s[p.size()] == '/';
}

bool parse_int(std::string_view s, int32_t& v) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && end == s.data() + s.size();
}

// Kernel device names and the places 9front's namespace mounts them.
std::string expand_device(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kDevices[] = {
      {"#c", "/dev"}, {"#e", "/env"}, {"#p", "/proc"}, {"#d", "/fd"}, {"#/", "/"}};
  if (name.empty() || name[0] != '#') return std::string(name);
  for (const auto& [dev, dir] : kDevices) {
    if (name.substr(0, dev.size()) == dev && (name.size() == dev.size() || name[dev.size()] == '/'))
      return std::string(dir) + std::string(name.substr(dev.size()));
  }
  return std::string(name);
}

bool resolve_dev(std::string_view rest, Resolved& out) {
  static constexpr std::pair<std::string_view, Special> kDev[] = {
      {"cons", Special::kCons},      {"consctl", Special::kConsctl},
      {"time", Special::kTime},      {"bintime", Special::kBintime},
      {"pid", Special::kStatic},     {"ppid", Special::kStatic},
      {"user", Special::kStatic},    {"hostowner", Special::kStatic},
      {"sysname", Special::kStatic}, {"osversion", Special::kStatic},
      {"sysstat", Special::kStatic}, {"swap", Special::kStatic},
  };
  for (const auto& [name, kind] : kDev) {
    if (rest == name) {
      out.special = kind;
      return true;
    }
  }
  if (rest == "random") {
    out.host = "/dev/urandom";
    return true;
  }
  out.host = out.plan9;  // /dev/null, /dev/zero, /dev/tty, ...
  return true;
}

bool resolve_proc(std::string_view rest, Resolved& out) {
  if (rest.empty()) {
    out.special = Special::kProcDir;
    return true;
  }
  const size_t slash = rest.find('/');
  if (!parse_int(rest.substr(0, slash), out.pid) || slot_find(out.pid) < 0) {
    set_error(err::kNonexist);
    return false;
  }
  const std::string_view file = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  static constexpr std::pair<std::string_view, Special> kProc[] = {
      {"", Special::kProcDir},      {"note", Special::kNote},     {"notepg", Special::kNotepg},
      {"ctl", Special::kCtl},       {"noteid", Special::kNoteid}, {"text", Special::kProcText},
      {"status", Special::kStatic}, {"args", Special::kStatic},
  };
  for (const auto& [name, kind] : kProc) {
    if (file == name) {
      out.special = kind;
      return true;
    }
  }
  set_error(err::kNonexist);
  return false;
}

}  // namespace

std::string clean_name(std::string_view path) {
  const bool rooted = !path.empty() && path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view e = path.substr(i, j - i);
    if (e.empty() || e == ".") {
    } else if (e == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!rooted)
        parts.push_back(e);
    } else {
      parts.push_back(e);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  if (out.empty()) out.push_back('.');  // not out = ".": a GCC 12 -Wrestrict false positive
  return out;
}

void add_bind(std::string plan9, std::string host) {
  while (host.size() > 1 && host.back() == '/') host.pop_back();
  binds().push_back({clean_name(plan9), std::move(host)});
  // Longest prefix first.
  std::stable_sort(binds().begin(), binds().end(),
                   [](const Bind& a, const Bind& b) { return a.plan9.size() > b.plan9.size(); });
}

bool resolve(std::string_view name, Resolved& out) {
  out = Resolved{};
  if (name.empty()) {
    set_error(err::kNonexist);
    return false;
  }
  out.plan9 = clean_name(expand_device(name));
  const std::string& p = out.plan9;
  for (const Bind& b : binds()) {
    if (has_prefix(p, b.plan9)) {
      out.host = b.host + (b.plan9 == "/" ? p : p.substr(b.plan9.size()));
      return true;
    }
  }
  if (has_prefix(p, "/dev")) return resolve_dev(p.size() > 4 ? p.substr(5) : "", out);
  if (has_prefix(p, "/proc")) return resolve_proc(p.size() > 5 ? p.substr(6) : "", out);
  if (p == "/fd") {  // Plan 9's #d: the descriptor table, listed by dir.cc
    out.host = "/proc/self/fd";
    return true;
  }
  if (has_prefix(p, "/fd") && p.size() > 4) {
    int32_t fd = -1;
    if (!parse_int(std::string_view(p).substr(4), fd) || fd < 0) {
      set_error(err::kNonexist);
      return false;
    }
    out.special = Special::kFd;
    out.fd = fd;
    return true;
  }
  out.host = p;
  return true;
}

std::string plan9_name(std::string_view host) {
  for (const Bind& b : binds()) {
    if (has_prefix(host, b.host)) {
      std::string rest(host.substr(b.host.size()));
      return b.plan9 == "/" ? (rest.empty() ? "/" : rest) : b.plan9 + rest;
    }
  }
  return std::string(host);
}

}  // namespace p9run
