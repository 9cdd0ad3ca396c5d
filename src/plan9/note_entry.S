// The note entry point of every proc of a program using notes on Plan 9 (registered with
// notify() by start.cc, and inherited by rfork: 9front port/sysproc.c sysrfork copies
// up->notify).
//
// The kernel enters here on the note frame it built below the interrupted SP (9front
// pc64/trap.c notify): [SP] = 0 (a fake return address), [SP+8] = the saved Ureg*, [SP+16] = the
// note text (ERRMAX bytes), RBP = the Ureg* as well, SP not 16-byte aligned, and RFLAGS as the
// interrupted code left them, the direction flag included. So: take the two arguments, align SP
// for the SysV ABI, clear DF (the ABI requires DF=0 at every call), call the C++ dispatcher
// (compiled with general registers only: 9front pc64/fpu.c kills a proc whose handler touches
// the FPU, "sys: floating point in note handler"), then noted(its answer). noted never returns
// (NCONT resumes the interrupted code, NDFLT ends the proc); the system call is issued here as
// syscall.S does: number in RBP, the argument at 8(SP).

	.text
	.globl	notes_plan9_note_entry
	.type	notes_plan9_note_entry, @function
notes_plan9_note_entry:
	movq	8(%rsp), %rdi		// Ureg*
	movq	16(%rsp), %rsi		// the note text
	andq	$-16, %rsp
	cld
	call	notes_plan9_on_note	// NCONT (0) or NDFLT (1)
	subq	$16, %rsp
	movq	%rax, 8(%rsp)		// noted's argument
	movl	$29, %ebp		// NOTED (9front sys/src/libc/9syscall/sys.h)
	syscall
	ud2				// noted returned: the kernel refused the frame
	.size	notes_plan9_note_entry, . - notes_plan9_note_entry

	.section .note.GNU-stack,"",@progbits
