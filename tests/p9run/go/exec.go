// os/exec: rfork(RFPROC|RFFDG|RFREND), exec of an a.out (p9run loads it in the same Linux
// process), pipes for standard output, and await for the exit status.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Println("child says", os.Args[1])
		if os.Args[1] == "fail" {
			os.Exit(4)
		}
		return
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Println("executable:", err)
		os.Exit(1)
	}
	out, err := exec.Command(self, "hi").Output()
	fmt.Printf("output %q, err %v\n", out, err)
	err = exec.Command(self, "fail").Run()
	fmt.Println("failing child:", err)
}
