// printf-style formatting to a buffer or a file descriptor, without floating point and without
// allocation, so that tests and note handlers can report (plan9.h lists the conversions). The
// verbs are C's, not Plan 9 fmt(2)'s, so that g++ checks the arguments (format attribute).
#include <cstdarg>

#include "plan9.h"

namespace plan9 {
namespace {

// Where formatted bytes go: a bounded buffer, flushed to fd when full if fd >= 0.
struct Sink {
  char* buf;
  std::size_t cap;  // usable bytes in buf
  std::size_t len = 0;
  std::size_t total = 0;  // every byte produced
  int fd = -1;
  bool failed = false;

  void put(char c) {
    total++;
    if (len == cap) {
      if (fd < 0) return;
      flush();
    }
    buf[len++] = c;
  }
  void flush() {
    if (fd >= 0 && len > 0 && write(fd, buf, static_cast<long>(len)) != static_cast<long>(len))
      failed = true;
    len = 0;
  }
};

struct Spec {
  bool left = false, zero = false, plus = false, space = false, alt = false;
  int width = 0;
  int precision = -1;
};

void pad(Sink& out, int n, char c) {
  for (; n > 0; n--) out.put(c);
}

void put_string(Sink& out, const Spec& spec, const char* s) {
  if (s == nullptr) s = "<nil>";
  int n = 0;
  while (s[n] != 0 && (spec.precision < 0 || n < spec.precision)) n++;
  if (!spec.left) pad(out, spec.width - n, ' ');
  for (int i = 0; i < n; i++) out.put(s[i]);
  if (spec.left) pad(out, spec.width - n, ' ');
}

void put_number(Sink& out, Spec spec, unsigned long long v, bool negative, unsigned base,
                bool upper, const char* prefix) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  while (v != 0) {
    tmp[n++] = digits[v % base];
    v /= base;
  }
  if (n == 0 && spec.precision != 0) tmp[n++] = '0';
  const char* sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  int sign_len = 0;
  while (sign[sign_len] != 0) sign_len++;
  int prefix_len = 0;
  while (prefix[prefix_len] != 0) prefix_len++;
  int zeros = spec.precision > n ? spec.precision - n : 0;
  if (spec.zero && !spec.left && spec.precision < 0) {
    const int fill = spec.width - (sign_len + prefix_len + n);
    if (fill > zeros) zeros = fill;
  }
  const int len = sign_len + prefix_len + zeros + n;
  if (!spec.left) pad(out, spec.width - len, ' ');
  for (int i = 0; i < sign_len; i++) out.put(sign[i]);
  for (int i = 0; i < prefix_len; i++) out.put(prefix[i]);
  pad(out, zeros, '0');
  while (n > 0) out.put(tmp[--n]);
  if (spec.left) pad(out, spec.width - len, ' ');
}

void format(Sink& out, const char* fmt, va_list ap) {
  for (const char* p = fmt; *p != 0; p++) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    const char* start = p++;
    Spec spec;
    for (;; p++) {
      if (*p == '-')
        spec.left = true;
      else if (*p == '0')
        spec.zero = true;
      else if (*p == '+')
        spec.plus = true;
      else if (*p == ' ')
        spec.space = true;
      else if (*p == '#')
        spec.alt = true;
      else
        break;
    }
    if (*p == '*') {
      spec.width = va_arg(ap, int);
      if (spec.width < 0) {
        spec.left = true;
        spec.width = -spec.width;
      }
      p++;
    } else {
      while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
      p++;
      spec.precision = 0;
      if (*p == '*') {
        spec.precision = va_arg(ap, int);
        p++;
      } else {
        while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
      }
    }
    int size = 0;  // -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t/intmax_t/ptrdiff_t
    if (*p == 'h') {
      size = p[1] == 'h' ? -2 : -1;
      p += size == -2 ? 2 : 1;
    } else if (*p == 'l') {
      size = p[1] == 'l' ? 2 : 1;
      p += size;
    } else if (*p == 'z' || *p == 'j' || *p == 't') {
      size = 3;
      p++;
    }
    switch (*p) {
      case 'd':
      case 'i': {
        long long v = size >= 1 ? va_arg(ap, long long) : va_arg(ap, int);
        if (size == -1) v = static_cast<short>(v);
        if (size == -2) v = static_cast<signed char>(v);
        const bool negative = v < 0;
        const unsigned long long mag = negative ? 0ull - static_cast<unsigned long long>(v)
                                                : static_cast<unsigned long long>(v);
        put_number(out, spec, mag, negative, 10, false, "");
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        unsigned long long v = size >= 1 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
        if (size == -1) v = static_cast<unsigned short>(v);
        if (size == -2) v = static_cast<unsigned char>(v);
        const unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
        const char* prefix = !spec.alt || v == 0 ? "" : *p == 'o' ? "0" : *p == 'x' ? "0x" : "0X";
        put_number(out, spec, v, false, base, *p == 'X', prefix);
        break;
      }
      case 'p':
        put_number(out, spec, reinterpret_cast<unsigned long long>(va_arg(ap, void*)), false, 16,
                   false, "0x");
        break;
      case 'c': {
        const char s[2] = {static_cast<char>(va_arg(ap, int)), 0};
        put_string(out, spec, s);
        break;
      }
      case 's': put_string(out, spec, va_arg(ap, const char*)); break;
      case '%': out.put('%'); break;
      default:  // unsupported (floating point) or malformed: print it as written
        for (const char* q = start; q <= p && *q != 0; q++) out.put(*q);
        if (*p == 0) return;
        break;
    }
  }
}

}  // namespace

int vsnprint(char* buf, std::size_t n, const char* fmt, va_list ap) {
  Sink out{buf, n > 0 ? n - 1 : 0};
  format(out, fmt, ap);
  if (n > 0) buf[out.len] = 0;
  return static_cast<int>(out.total);
}

int vfprint(int fd, const char* fmt, va_list ap) {
  char buf[512];
  Sink out{buf, sizeof buf};
  out.fd = fd;
  format(out, fmt, ap);
  out.flush();
  return out.failed ? -1 : static_cast<int>(out.total);
}

int snprint(char* buf, std::size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int r = vsnprint(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

int fprint(int fd, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int r = vfprint(fd, fmt, ap);
  va_end(ap);
  return r;
}

int print(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int r = vfprint(1, fmt, ap);
  va_end(ap);
  return r;
}

}  // namespace plan9
