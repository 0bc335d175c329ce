// Small C shims for the kernel calls Swift cannot make directly: variadic functions
// (prctl, ioctl, syscall), and structs/macros Swift does not import well.
#ifndef SKIFF_SYS_H
#define SKIFF_SYS_H

#include <spawn.h>
#include <stdint.h>
#include <sys/types.h>

/// pivot_root(2) (glibc has no wrapper).
int skiff_pivot_root(const char *new_root, const char *put_old);

/// prctl(2) with up to four arguments.
int skiff_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);

/// Sets the effective, permitted and inheritable capability sets (64-bit masks) of the
/// calling thread with capset(2), version 3.
int skiff_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable);

/// Reads the calling thread's capability sets.
int skiff_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable);

/// ioctl(TIOCSCTTY): makes `fd` the controlling terminal of the calling session.
int skiff_set_controlling_tty(int fd);

/// ioctl(TIOCSWINSZ) on a terminal.
int skiff_set_window_size(int fd, unsigned short rows, unsigned short cols);

/// ioctl(TIOCGWINSZ) on a terminal; returns -1 when `fd` is not a terminal.
int skiff_get_window_size(int fd, unsigned short *rows, unsigned short *cols);

/// getsockopt(SO_ORIGINAL_DST) on an IPv4 TCP socket redirected by iptables: the address the
/// client dialled, as host-order IPv4 and port.
int skiff_original_dst(int fd, uint32_t *address, uint16_t *port);

/// pidfd_open(2): a file descriptor that becomes readable when `pid` exits.
int skiff_pidfd_open(pid_t pid);

/// The number of the highest capability this kernel knows (CAP_LAST_CAP).
int skiff_cap_last_cap(void);

/// waitid on a pidfd is not exposed; this reaps `pid` if it is our child and has exited,
/// returning 1 with the raw wait status, 0 if still running, -1 on error.
int skiff_try_reap(pid_t pid, int *status);

/// WIFEXITED / WEXITSTATUS / WIFSIGNALED / WTERMSIG as functions.
int skiff_wifexited(int status);
int skiff_wexitstatus(int status);
int skiff_wifsignaled(int status);
int skiff_wtermsig(int status);

/// unshare(2), setns(2), pipe2(2), mount(2) and friends need _GNU_SOURCE, which Swift's
/// Glibc module does not define.
int skiff_unshare(int flags);
int skiff_setns(int fd, int nstype);
int skiff_pipe2(int fds[2], int flags);
int skiff_sethostname(const char *name);
int skiff_dup3(int oldfd, int newfd, int flags);
/// The calling thread's signal mask cleared and every signal's disposition reset to default
/// (a forked child must not inherit the daemon's blocked signals).
void skiff_reset_signals(void);
/// Blocks SIGCHLD (and others in `signals`, 0-terminated) and returns a signalfd for them.
int skiff_signalfd_for(const int *signals);
/// Reads one signal number from a signalfd; -1 on error.
int skiff_signalfd_read(int fd);
/// setrlimit by resource name (RLIMIT_NOFILE ...).
int skiff_setrlimit(int resource, unsigned long long soft, unsigned long long hard);
/// PR_SET_CHILD_SUBREAPER on the calling process.
int skiff_set_subreaper(void);
/// Opens a new pseudo-terminal pair; returns 0 and the two fds.
int skiff_openpty(int *master, int *slave);

/// Sends descriptor `fd` over the unix socket `socket` (SCM_RIGHTS, one byte of data).
int skiff_send_fd(int socket, int fd);

/// Receives a descriptor sent with skiff_send_fd (close-on-exec); -1 on error or end of file.
int skiff_recv_fd(int socket);

/// Brings a network interface up (SIOCSIFFLAGS | IFF_UP) in the calling network namespace.
int skiff_link_up(const char *name);

/// Closes every descriptor from `first` up (close_range(2), with a fallback loop).
void skiff_close_from(int first);

/// Makes a spawned child close every descriptor from `first` up before exec
/// (posix_spawn_file_actions_addclosefrom_np, glibc 2.34+).
int skiff_spawn_actions_close_from(posix_spawn_file_actions_t *actions, int first);

/// Initialises spawn attributes for a child that starts clean: no signal blocked, every
/// signal at its default action. Destroy them with posix_spawnattr_destroy.
void skiff_spawnattr_init_clean(posix_spawnattr_t *attributes);

#endif
