// Goroutines on several procs: rfork(RFPROC|RFMEM|RFNOWAIT) for each M, semacquire and
// tsemacquire to park them, time.Sleep, sync.WaitGroup and a mutex across procs.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	start := time.Now()
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Duration(i%10) * 5 * time.Millisecond)
			x := 0
			for j := 0; j < 100000; j++ {
				x += j % 7
			}
			mu.Lock()
			total += i
			mu.Unlock()
			_ = x
		}(i)
	}
	wg.Wait()
	results := make(chan int)
	for i := 0; i < 4; i++ {
		go func(i int) { results <- i * i }(i)
	}
	sum := 0
	for i := 0; i < 4; i++ {
		sum += <-results
	}
	elapsed := time.Since(start)
	fmt.Printf("total %d, sum %d, procs %d\n", total, sum, runtime.GOMAXPROCS(0))
	if elapsed < 45*time.Millisecond || elapsed > 20*time.Second {
		fmt.Println("time is wrong:", elapsed)
		os.Exit(1)
	}
}
