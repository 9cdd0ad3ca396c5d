// A program built against an installed notes: post a string note to itself and receive it.
#include <notes/notes.h>

#include <chrono>
#include <cstdio>

int main() {
  auto rx = notes::Receiver::open({"hello from the package test"});
  if (!rx) {
    std::fprintf(stderr, "consumer: %s\n", rx.status().to_string().c_str());
    return 1;
  }
  if (notes::Status s = notes::post(notes::this_process(), "hello from the package test");
      !s.ok()) {
    std::fprintf(stderr, "consumer: %s\n", s.to_string().c_str());
    return 1;
  }
  auto note = rx->wait_for(std::chrono::seconds(30));
  if (!note) {
    std::fprintf(stderr, "consumer: %s\n", note.status().to_string().c_str());
    return 1;
  }
  std::printf("consumer received: %s\n", note->c_str());
  return 0;
}
