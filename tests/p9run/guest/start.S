# Start-up, system call stub and note trampolines for the hand-made Plan 9 test programs.
# The Plan 9 amd64 ABI (9front pc64/trap.c, libc/amd64/main9.s): on entry RAX holds the Tos
# address and the stack holds argc then argv; a system call takes its number in RBP and its
# arguments in 8-byte slots from 8(SP); a note handler is entered with [SP]=0, [SP+8]=Ureg*,
# [SP+16]=note text and RBP=Ureg*, and must end in noted().

    .section .text.start, "ax"
    .globl _start
_start:
    mov %rax, p9_tos(%rip)
    mov (%rsp), %rdi                # argc
    lea 8(%rsp), %rsi               # argv
    and $-16, %rsp
    call main
    xor %edi, %edi
    call p9_exits_main
    ud2

    .text
# long p9_syscall(long num, long a1, long a2, long a3, long a4, long a5)
    .globl p9_syscall
p9_syscall:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    sub $56, %rsp
    mov %rsi, 8(%rsp)
    mov %rdx, 16(%rsp)
    mov %rcx, 24(%rsp)
    mov %r8, 32(%rsp)
    mov %r9, 40(%rsp)
    mov %rdi, %rbp
    syscall
    add $56, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

# The note handler given to notify: records the frame as the kernel built it, calls
# long p9_note_dispatch(Ureg*, char*) and passes its result to noted.
    .globl p9_note_trampoline
p9_note_trampoline:
    mov %rsp, p9_note_sp(%rip)
    mov %rbp, p9_note_rbp(%rip)
    mov 8(%rsp), %rdi
    mov 16(%rsp), %rsi
    and $-16, %rsp
    call p9_note_dispatch
    mov %rax, %rsi
    mov $29, %edi                   # NOTED
    call p9_syscall
    ud2

# Where noted(NSAVE) resumes (APE's notecont): [SP+8] = Ureg*, RBP = Ureg*.
    .globl p9_notecont
p9_notecont:
    mov %rsp, p9_note_sp(%rip)
    mov %rbp, p9_note_rbp(%rip)
    mov 8(%rsp), %rdi
    and $-16, %rsp
    call p9_notecont_dispatch
    ud2

    .bss
    .globl p9_tos, p9_note_sp, p9_note_rbp
    .p2align 3
p9_tos:      .quad 0
p9_note_sp:  .quad 0
p9_note_rbp: .quad 0

    .section .note.GNU-stack, "", @progbits
