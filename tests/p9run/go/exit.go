// os.Exit(3) on Plan 9 is exits("3"), after posting "go: exit 3" to the program's other procs.
package main

import "os"

func main() { os.Exit(3) }
