// Host errno to Plan 9 error strings (see errors.h).
#include "errors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "plan9.h"
#include "proc.h"

namespace p9run {

const char* plan9_error(int e) {
  switch (e) {
    case ENOENT: return err::kNonexist;
    case EEXIST: return err::kExist;
    case ENOTDIR: return err::kNotdir;
    case EISDIR: return err::kIsdir;
    case EACCES:
    case EPERM:
    case EROFS: return err::kPerm;
    case EBADF: return err::kBadfd;
    case EMFILE:
    case ENFILE: return err::kNofd;
    case EINVAL: return err::kBadarg;
    case EINTR: return err::kIntr;
    case EPIPE: return err::kHungup;
    case ESPIPE: return err::kIsstream;
    case ENOMEM: return err::kNomem;
    case ENOTEMPTY: return err::kNotempty;
    case EFBIG:
    case E2BIG: return err::kToobig;
    case ENAMETOOLONG: return "file name too long";
    case ETIMEDOUT: return "connection timed out";
    case ECONNREFUSED: return "connection refused";
    case EIO: return err::kIo;
    default: return strerror(e);
  }
}

void set_error(std::string_view msg) {
  const size_t n = std::min(msg.size(), size_t{kErrMax - 1});
  std::memcpy(up.errstr, msg.data(), n);
  up.errstr[n] = 0;
}

void set_errno_error() {
  set_error(plan9_error(errno));
}

}  // namespace p9run
