// Files through p9run: create, write, read, append, seek, stat (Plan 9 stat format), rename
// (wstat), directory reading, remove, pipes, /env and /dev files.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	dir := os.Args[1]
	a := filepath.Join(dir, "a.txt")
	check("write", os.WriteFile(a, []byte("hello\n"), 0644))
	f, err := os.OpenFile(a, os.O_WRONLY|os.O_APPEND, 0)
	check("open for append", err)
	_, err = f.WriteString("world\n")
	check("append", err)
	check("close", f.Close())
	b, err := os.ReadFile(a)
	check("read", err)
	fmt.Printf("content %q\n", b)

	f, err = os.Open(a)
	check("open", err)
	_, err = f.Seek(6, io.SeekStart)
	check("seek", err)
	rest, err := io.ReadAll(f)
	check("read rest", err)
	fmt.Printf("after seek %q\n", rest)
	fi, err := f.Stat()
	check("fstat", err)
	fmt.Println("fstat", fi.Name(), fi.Size(), fi.Mode().IsRegular())
	f.Close()

	check("mkdir", os.Mkdir(filepath.Join(dir, "sub"), 0755))
	check("rename", os.Rename(a, filepath.Join(dir, "b.txt")))
	check("chmod", os.Chmod(filepath.Join(dir, "b.txt"), 0600))
	fi, err = os.Stat(filepath.Join(dir, "b.txt"))
	check("stat", err)
	fmt.Println("stat", fi.Name(), fi.Size(), fi.Mode())
	_, err = os.Stat(a)
	fmt.Println("old name gone:", os.IsNotExist(err))

	ents, err := os.ReadDir(dir)
	check("readdir", err)
	var names []string
	for _, e := range ents {
		names = append(names, fmt.Sprintf("%s(dir=%v)", e.Name(), e.IsDir()))
	}
	sort.Strings(names)
	fmt.Println("entries", strings.Join(names, " "))

	check("remove file", os.Remove(filepath.Join(dir, "b.txt")))
	check("remove dir", os.Remove(filepath.Join(dir, "sub")))
	_, err = os.Open(filepath.Join(dir, "b.txt"))
	fmt.Println("open removed:", os.IsNotExist(err))

	r, w, err := os.Pipe()
	check("pipe", err)
	go func() {
		w.Write([]byte("through a pipe"))
		w.Close()
	}()
	got, err := io.ReadAll(r)
	check("read pipe", err)
	fmt.Printf("pipe %q\n", got)

	fmt.Println("env", os.Getenv("P9RUN_TEST"))
	check("write /env", os.WriteFile("/env/P9RUN_SET", []byte("value"), 0644))
	v, err := os.ReadFile("/env/P9RUN_SET")
	check("read /env", err)
	fmt.Printf("/env/P9RUN_SET %q\n", v)

	pid, err := os.ReadFile("#c/pid")
	check("read #c/pid", err)
	fmt.Println("pid matches:", strings.TrimSpace(string(pid)) == fmt.Sprint(os.Getpid()))
	host, err := os.Hostname()
	check("hostname", err)
	fmt.Println("hostname set:", host != "")
	wd, err := os.Getwd()
	check("getwd", err)
	fmt.Println("cwd is dir:", wd == dir)
}
