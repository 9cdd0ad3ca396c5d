// Static constructors run before main in order (within a file, and by init_priority across
// priorities); static destructors, atexit handlers and __attribute__((destructor)) functions run
// after main returns, in the reverse order of registration, with destructors last. The exit part
// is checked by running this program again as a child and reading what it prints.
#include "check.h"
#include "child.h"

namespace {

char trace[64];
int trace_len = 0;
void record(char c) {
  if (trace_len + 1 < static_cast<int>(sizeof trace)) trace[trace_len++] = c;
}

bool report_exit = false;  // the child prints the exit order

struct Noisy {
  char name;
  explicit Noisy(char n) : name(n) { record(name); }
  ~Noisy() {
    if (report_exit) plan9::print("~%c\n", name);
  }
};

Noisy late __attribute__((init_priority(2000))) ('c');
Noisy a('a');
Noisy b('b');
Noisy early __attribute__((init_priority(1000))) ('0');

struct WithVirtual {
  virtual ~WithVirtual() = default;
  virtual int value() const { return 1; }
};
struct Derived : WithVirtual {
  int value() const override { return 2; }
};
Derived derived;
const WithVirtual& base = derived;

int constructed_by_function = [] { return 42; }();

__attribute__((destructor)) void last_of_all() {
  if (report_exit) plan9::print("destructor-attribute\n");
}

int counted_handlers = 0;
void count_handler() {
  counted_handlers++;
}
void report_count() {
  plan9::print("handlers %d\n", counted_handlers);
}

void at_exit_1() {
  plan9::print("atexit-1\n");
}
void at_exit_2() {
  plan9::print("atexit-2\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && p9test::equal(argv[1], "child")) {
    report_exit = true;
    plan9::atexit(report_count);  // runs after the 40 below: more than the first block holds
    for (int i = 0; i < 40; i++) plan9::atexit(count_handler);
    plan9::atexit(at_exit_1);
    static Noisy in_main('m');  // constructed now, so destroyed before the atexit-1 handler runs
    plan9::atexit(at_exit_2);
    plan9::print("main returns\n");
    return 0;
  }

  trace[trace_len] = 0;
  plan9::print("construction order: %s\n", trace);
  CHECK(p9test::equal(trace, "0cab"));
  CHECK(base.value() == 2);
  CHECK(constructed_by_function == 42);

  const p9test::ChildResult r = p9test::run_child(argv[0], "child");
  plan9::print("child output:\n%s", r.output);
  CHECK(r.ran);
  CHECK(r.status[0] == 0);
  CHECK(p9test::equal(r.output,
                      "main returns\natexit-2\n~m\natexit-1\nhandlers 40\n~b\n~a\n~c\n~0\n"
                      "destructor-attribute\n"));
  return p9test::summary();
}
