#define _GNU_SOURCE
#include "skiff_sys.h"

#include <errno.h>
#include <linux/capability.h>
#ifndef SO_ORIGINAL_DST
#define SO_ORIGINAL_DST 80  /* linux/netfilter_ipv4.h, which clashes with netinet/in.h */
#endif
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <sched.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/resource.h>
#include <pty.h>
#include <net/if.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int skiff_pivot_root(const char *new_root, const char *put_old) {
  return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int skiff_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5) {
  return prctl(option, arg2, arg3, arg4, arg5);
}

int skiff_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  data[0].effective = (uint32_t)effective;
  data[1].effective = (uint32_t)(effective >> 32);
  data[0].permitted = (uint32_t)permitted;
  data[1].permitted = (uint32_t)(permitted >> 32);
  data[0].inheritable = (uint32_t)inheritable;
  data[1].inheritable = (uint32_t)(inheritable >> 32);
  return (int)syscall(SYS_capset, &header, data);
}

int skiff_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable) {
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  int rc = (int)syscall(SYS_capget, &header, data);
  if (rc != 0) return rc;
  *effective = ((uint64_t)data[1].effective << 32) | data[0].effective;
  *permitted = ((uint64_t)data[1].permitted << 32) | data[0].permitted;
  *inheritable = ((uint64_t)data[1].inheritable << 32) | data[0].inheritable;
  return 0;
}

int skiff_set_controlling_tty(int fd) { return ioctl(fd, TIOCSCTTY, 0); }

int skiff_set_window_size(int fd, unsigned short rows, unsigned short cols) {
  struct winsize ws = {.ws_row = rows, .ws_col = cols};
  return ioctl(fd, TIOCSWINSZ, &ws);
}

int skiff_get_window_size(int fd, unsigned short *rows, unsigned short *cols) {
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
  *rows = ws.ws_row;
  *cols = ws.ws_col;
  return 0;
}

int skiff_original_dst(int fd, uint32_t *address, uint16_t *port) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &addr, &len) != 0) return -1;
  *address = ntohl(addr.sin_addr.s_addr);
  *port = ntohs(addr.sin_port);
  return 0;
}

int skiff_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int skiff_cap_last_cap(void) {
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
  int last = 40;
  if (f) {
    if (fscanf(f, "%d", &last) != 1) last = 40;
    fclose(f);
  }
  return last;
}

int skiff_try_reap(pid_t pid, int *status) {
  pid_t rc = waitpid(pid, status, WNOHANG);
  if (rc == 0) return 0;
  if (rc == pid) return 1;
  return -1;
}

int skiff_wifexited(int status) { return WIFEXITED(status); }
int skiff_wexitstatus(int status) { return WEXITSTATUS(status); }
int skiff_wifsignaled(int status) { return WIFSIGNALED(status); }
int skiff_wtermsig(int status) { return WTERMSIG(status); }

int skiff_unshare(int flags) { return unshare(flags); }
int skiff_setns(int fd, int nstype) { return setns(fd, nstype); }
int skiff_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }
int skiff_sethostname(const char *name) { return sethostname(name, strlen(name)); }
int skiff_dup3(int oldfd, int newfd, int flags) { return dup3(oldfd, newfd, flags); }

void skiff_reset_signals(void) {
  sigset_t set;
  sigemptyset(&set);
  sigprocmask(SIG_SETMASK, &set, NULL);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    signal(sig, SIG_DFL);
  }
}

int skiff_signalfd_for(const int *signals) {
  sigset_t set;
  sigemptyset(&set);
  for (const int *s = signals; *s != 0; s++) sigaddset(&set, *s);
  if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return -1;
  return signalfd(-1, &set, SFD_CLOEXEC);
}

int skiff_signalfd_read(int fd) {
  struct signalfd_siginfo info;
  ssize_t n = read(fd, &info, sizeof(info));
  if (n != sizeof(info)) return -1;
  return (int)info.ssi_signo;
}

int skiff_setrlimit(int resource, unsigned long long soft, unsigned long long hard) {
  struct rlimit limit = {.rlim_cur = soft, .rlim_max = hard};
  return setrlimit(resource, &limit);
}

int skiff_set_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int skiff_openpty(int *master, int *slave) { return openpty(master, slave, NULL, NULL, NULL); }

int skiff_send_fd(int socket, int fd) {
  char byte = 0;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    struct cmsghdr align;
    char buffer[CMSG_SPACE(sizeof(int))];
  } control;
  memset(&control, 0, sizeof(control));
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof(control.buffer)};
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  ssize_t n;
  do { n = sendmsg(socket, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : -1;
}

int skiff_recv_fd(int socket) {
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    struct cmsghdr align;
    char buffer[CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof(control.buffer)};
  ssize_t n;
  do { n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
  if (n != 1) return -1;
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
  return fd;
}

int skiff_link_up(const char *name) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP;
    rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

int skiff_spawn_actions_close_from(posix_spawn_file_actions_t *actions, int first) {
  return posix_spawn_file_actions_addclosefrom_np(actions, first);
}

void skiff_spawnattr_init_clean(posix_spawnattr_t *attributes) {
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_init(attributes);
  posix_spawnattr_setsigmask(attributes, &none);
  posix_spawnattr_setsigdefault(attributes, &all);
  posix_spawnattr_setflags(attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

void skiff_close_from(int first) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, first, ~0U, 0) == 0) return;
#endif
  long max = sysconf(_SC_OPEN_MAX);
  for (int fd = first; fd < max && fd < 65536; fd++) close(fd);
}
