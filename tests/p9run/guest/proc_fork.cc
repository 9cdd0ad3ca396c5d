// rfork(RFPROC|RFMEM) shares data and bss but gives the child a private copy of the stack, with
// its own pid in the Tos; rfork(RFPROC) copies data and bss too (rfork(2), 9front sysrfork).
#include "p9.h"

namespace {
int shared_value = 1;

int read_pid_file() {
  char buf[32] = {};
  const long fd = sys_open("/dev/pid", OREAD);
  if (fd < 0) return -1;
  sys_pread(int(fd), buf, sizeof buf - 1, -1);
  sys_close(int(fd));
  int v = 0;
  for (const char* p = buf; *p != 0; ++p)
    if (*p >= '0' && *p <= '9') v = v * 10 + (*p - '0');
  return v;
}

void await_message(char* out, int n) {
  const long r = sys_await(out, n);
  out[r < 0 ? 0 : r] = 0;
}
}  // namespace

int main(int, char**) {
  volatile int on_stack = 1;
  const int parent = mypid();
  long pid = sys_rfork(RFPROC | RFMEM);
  if (pid == 0) {
    shared_value = 42;
    on_stack = 2;
    if (mypid() == parent || mypid() != read_pid_file()) sys_exits("wrong pid in the Tos");
    sys_exits(nullptr);
  }
  char buf[256];
  await_message(buf, sizeof buf);
  print("RFMEM: shared ");
  printn(shared_value);
  print(", stack ");
  printn(on_stack);
  print(has_prefix(buf + strlen(buf) - 2, "''") ? ", child ok\n" : ", child failed\n");

  pid = sys_rfork(RFPROC);
  if (pid == 0) {
    shared_value = 7;
    sys_exits(nullptr);
  }
  await_message(buf, sizeof buf);
  print("copy: shared ");
  printn(shared_value);
  print("\n");
  if (sys_await(buf, sizeof buf) < 0) {
    print("no more children: ");
    print(errstr());
    print("\n");
  }
  return 0;
}
