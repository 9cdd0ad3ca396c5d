// Program entry for Plan 9 amd64 a.out files made by cmake/plan9.
//
// The kernel enters at the a.out entry with RAX = the address of Tos (the per-proc page at the
// top of the stack) and, at SP, argc as a 64-bit word followed by argv[0..argc-1] and nil; SP is
// not necessarily 16-byte aligned (plan9-abi.md; 9front pc64/trap.c execregs, libc/amd64/main9.s).
// There is no environment pointer (the environment is /env).

	.text
	.globl	_start
	.type	_start, @function
_start:
	movq	%rax, plan9_rt_tos(%rip)
	movq	0(%rsp), %r12		// argc
	leaq	8(%rsp), %r13		// argv
	// The proc-local block (plan9.h ProcLocal): 64 zeroed bytes below argc, in the stack
	// segment, which every proc has its own copy of at the same address.
	subq	$64, %rsp
	andq	$-16, %rsp		// SysV: SP is 16-byte aligned at each call
	movq	%rsp, plan9_rt_proc_local(%rip)
	xorl	%eax, %eax
	movq	%rax, 0(%rsp)
	movq	%rax, 8(%rsp)
	movq	%rax, 16(%rsp)
	movq	%rax, 24(%rsp)
	movq	%rax, 32(%rsp)
	movq	%rax, 40(%rsp)
	movq	%rax, 48(%rsp)
	movq	%rax, 56(%rsp)
	subq	$64, %rsp		// main's frames start below it
	xorl	%ebp, %ebp		// the end of the frame chain
	call	plan9_fpinit
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	plan9_rt_init		// argv0, static constructors (exit.cc)
	movl	%r12d, %edi
	movq	%r13, %rsi
	call	main
	movl	%eax, %edi
	call	plan9_rt_exit		// atexit handlers, destructors, exits (exit.cc)
	ud2
	.size	_start, . - _start

// void plan9_fpinit(void)
//
// The kernel initialises the FPU on a proc's first FP instruction with MXCSR = 0x1900 and x87
// control word 0x0232: invalid operation, division by zero and overflow unmasked, so they trap
// (9front pc64/fpu.c fpinit). C++ code expects the IEEE defaults every other x86-64 system uses:
// all exceptions masked, round to nearest, and for x87 (long double) 64-bit precision. Go sets
// MXCSR the same way. This is the only function in the runtime allowed to touch the FPU
// (tests/plan9/check-no-fp); it is never called from a note handler.
	.globl	plan9_fpinit
	.type	plan9_fpinit, @function
plan9_fpinit:
	subq	$8, %rsp
	movl	$0x1F80, 0(%rsp)
	ldmxcsr	0(%rsp)
	movw	$0x037F, 4(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	ret
	.size	plan9_fpinit, . - plan9_fpinit

	.bss
	.balign	8
	.globl	plan9_rt_tos
	.type	plan9_rt_tos, @object
plan9_rt_tos:
	.zero	8
	.size	plan9_rt_tos, 8

	.globl	plan9_rt_proc_local
	.type	plan9_rt_proc_local, @object
plan9_rt_proc_local:
	.zero	8
	.size	plan9_rt_proc_local, 8

	.section .note.GNU-stack,"",@progbits
