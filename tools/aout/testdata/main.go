// A Go program for Plan 9 amd64 whose a.out is the reference for tools/aout's test: Go's
// linker is the one maintained writer of that format. Only package os, so it builds offline.
package main

import "os"

var greeting = "hello from Go on Plan 9\n" // initialised data

var scratch [4096]byte // bss

func main() {
	scratch[0] = greeting[0]
	os.Stdout.WriteString(greeting)
	if scratch[0] != 'h' {
		os.Exit(1)
	}
}
