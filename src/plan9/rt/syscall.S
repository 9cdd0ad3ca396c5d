// System calls from SysV C++ code into the Plan 9 amd64 kernel.
//
// Plan 9's convention (plan9-abi.md; 9front sys/src/libc/9syscall/mkfile, pc64/l.s
// syscallentry): the call number in RBP, the arguments in 8-byte stack slots starting at 8(SP)
// (above where a return address would be), then SYSCALL; the result comes back in RAX, -1 for an
// error. The kernel restores only RAX, RSP and R14/R15 (forkret), so RBX, RBP and R12-R15 are
// saved here for the SysV caller. RCX and R11 are clobbered by SYSCALL itself (caller-saved).

	.text

// long plan9_syscall(long num, long a1, long a2, long a3, long a4, long a5)
	.globl	plan9_syscall
	.type	plan9_syscall, @function
plan9_syscall:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$48, %rsp		// 0(SP): the slot a return address would use; a1-a5 above it
	movq	%rsi, 8(%rsp)
	movq	%rdx, 16(%rsp)
	movq	%rcx, 24(%rsp)
	movq	%r8, 32(%rsp)
	movq	%r9, 40(%rsp)
	movq	%rdi, %rbp
	syscall
	addq	$48, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
	.size	plan9_syscall, . - plan9_syscall

// long plan9_rfork_proc(long flags, void* stack_top, void (*fn)(void*), void* arg)
//
// rfork(flags) where the child runs fn(arg) on a new stack. With RFMEM the child shares data
// and bss but gets a private copy of the stack segment (rfork(2)), and comes back from SYSCALL
// with only RAX (0), RSP and R14/R15 meaningful (pc64/trap.c forkchild, l.s forkret). So fn and
// arg go on the new stack, which is in shared memory, and R14 carries its address. The parent
// gets the child's pid (or -1) like rfork. The child never returns: when fn returns it calls
// plan9_proc_exit.
	.globl	plan9_rfork_proc
	.type	plan9_rfork_proc, @function
plan9_rfork_proc:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	andq	$-16, %rsi		// the child's stack: 16-byte aligned, fn and arg at its top
	subq	$16, %rsi
	movq	%rdx, 0(%rsi)
	movq	%rcx, 8(%rsi)
	movq	%rsi, %r14
	subq	$16, %rsp
	movq	%rdi, 8(%rsp)		// the flags argument slot
	movq	$19, %rbp		// RFORK
	syscall
	addq	$16, %rsp
	testq	%rax, %rax
	jz	1f
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
1:	// the child
	movq	%r14, %rsp
	xorl	%ebp, %ebp		// the end of the frame chain for debuggers
	call	plan9_fpinit		// its own MXCSR, whatever the kernel copied
	movq	8(%rsp), %rdi
	call	*0(%rsp)		// SP is 16-byte aligned here, as the SysV ABI wants
	call	plan9_proc_exit
	ud2
	.size	plan9_rfork_proc, . - plan9_rfork_proc

	.section .note.GNU-stack,"",@progbits
