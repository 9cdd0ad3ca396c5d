// Hello world with arguments: start-up (Tos, argv, /env, /dev/sysstat, #c/pid) and output.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Printf("hello from Plan 9: %s\n", strings.Join(os.Args[1:], " "))
	if os.Getenv("P9RUN_TEST") != "yes" {
		fmt.Println("environment not passed")
		os.Exit(1)
	}
}
