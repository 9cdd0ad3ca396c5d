// A nil pointer dereference is a "sys: trap: fault read addr=0x0" note that the Go runtime turns
// into a panic; recover() catches it. A second one is not recovered: exit status "2".
package main

import (
	"fmt"
	"os"
)

type T struct{ x int }

var p *T

func try() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return fmt.Errorf("no fault: %d", p.x)
}

func main() {
	fmt.Println("recovered:", try())
	if len(os.Args) > 1 {
		fmt.Println(p.x)
	}
}
