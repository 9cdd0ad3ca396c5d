// Which system features the POSIX backend uses. Each Linux-only feature has a portable fallback;
// building with NOTES_PORTABLE (CMake option NOTES_FORCE_PORTABLE) uses the fallbacks on Linux too,
// so they are tested there.
#ifndef NOTES_POSIX_CONFIG_H
#define NOTES_POSIX_CONFIG_H

#if defined(__linux__) && !defined(NOTES_PORTABLE)
#define NOTES_HAVE_EVENTFD 1          // wake-ups: eventfd, else a pipe
#define NOTES_HAVE_PIDFD 1            // post: pidfd_open + pidfd_send_signal, else kill
#define NOTES_HAVE_SCM_CREDENTIALS 1  // mailbox: kernel-checked sender uid, else directory mode
#define NOTES_HAVE_SIGQUEUE 1         // doorbell tagged with SI_QUEUE, else plain kill
#else
#define NOTES_HAVE_EVENTFD 0
#define NOTES_HAVE_PIDFD 0
#define NOTES_HAVE_SCM_CREDENTIALS 0
#define NOTES_HAVE_SIGQUEUE 0
#endif

#endif  // NOTES_POSIX_CONFIG_H
