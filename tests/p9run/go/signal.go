// os/signal on Plan 9: a note posted through /proc/<pid>/note reaches the Go note handler
// (runtime·sigtramp, then sighandler) and os/signal delivers it on the channel.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	note := fmt.Sprintf("/proc/%d/note", os.Getpid())
	if err := os.WriteFile(note, []byte("interrupt"), 0); err != nil {
		fmt.Println("write note:", err)
		os.Exit(1)
	}
	select {
	case s := <-c:
		fmt.Println("received", s)
	case <-time.After(10 * time.Second):
		fmt.Println("no note")
		os.Exit(1)
	}
	signal.Stop(c)
	if len(os.Args) > 1 && os.Args[1] == "wait" {
		// Wait for a note from outside (the test sends SIGINT to p9run).
		signal.Notify(c, os.Interrupt)
		fmt.Println("waiting")
		select {
		case s := <-c:
			fmt.Println("received", s, "again")
		case <-time.After(10 * time.Second):
			fmt.Println("no second note")
			os.Exit(1)
		}
	}
}
