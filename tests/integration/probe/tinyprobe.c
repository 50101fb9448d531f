/*
 * tinyprobe: the child that the integration tests run under tinyinit.
 * Each mode does one thing and reports on stdout, one line per fact, flushed at once.
 *
 *   exit N                     exit with N
 *   raise SIG                  die by signal SIG (default action restored first)
 *   signals                    print "ready", then "got N" for each signal; exit 0 at stdin EOF
 *   grandchild-signals         fork a child that runs "signals" in the same process group; wait for it
 *   orphans N                  make N orphans (double fork, both exit), print "orphaned N", exit 0 at stdin EOF
 *   status [args...]           print SigBlk, SigIgn, open fds, argv and environment (hex) and exit 0
 *   with-state MASK IGN -- cmd set the signal mask and the ignored set (hex bit masks), open fd 7, exec cmd
 *   trap-term SECONDS FILE     print "ready"; on SIGTERM sleep SECONDS, write FILE, exit 0
 *   ignore-term                ignore SIGTERM, print "ready", sleep forever
 *   spawn-leftover MODE...     start "tinyprobe MODE..." in the background (it outlives us), print its pid
 *   pid                        print its own pid and exit 0
 *   lines N                    write "1" to "N", one number a line, in 4 KiB blocks; exit 0 (1 if a write fails)
 *   exit-at-eof N              exit with N at stdin EOF
 *   storm PID SIG              sigqueue SIG to PID without pause until PID is gone (ESRCH) or this is killed;
 *                              print "storming" once the first signal is queued
 *   notify MSG [FILE]          (once FILE exists) send MSG to $NOTIFY_SOCKET (sd_notify), print "notified MSG", sleep forever
 *   send-notify MSG            send MSG to $NOTIFY_SOCKET and exit 0 (1 if it could not)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof line - 2) n = sizeof line - 2;
    line[n++] = '\n';
    for (int done = 0; done < n;) {
        ssize_t w = write(1, line + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        done += w;
    }
}

static void block_all(sigset_t *set)
{
    sigfillset(set);
    sigprocmask(SIG_BLOCK, set, NULL);
}

/* Reports each signal until stdin reaches EOF. */
static int report_signals(void)
{
    sigset_t all;
    block_all(&all);
    int sfd = signalfd(-1, &all, SFD_CLOEXEC);
    if (sfd < 0) { perror("signalfd"); return 3; }
    say("ready %d", getpid());
    struct pollfd fds[2] = { { .fd = sfd, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
    for (;;) {
        if (poll(fds, 2, -1) < 0) { if (errno == EINTR) continue; return 4; }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == sizeof si)
                say("got %u", si.ssi_signo);
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            char buf[256];
            ssize_t n = read(0, buf, sizeof buf);
            if (n <= 0) return 0;
        }
    }
}

static int wait_stdin_eof(void)
{
    char buf[256];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR)) return 0;
    }
}

static int exit_code_of(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int make_orphans(int count)
{
    for (int i = 0; i < count; i++) {
        pid_t middle = fork();
        if (middle < 0) { perror("fork"); return 3; }
        if (middle == 0) {
            pid_t orphan = fork();
            if (orphan == 0) _exit(0);
            _exit(orphan < 0 ? 1 : 0);
        }
        int status;
        while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {}
    }
    say("orphaned %d", count);
    return wait_stdin_eof();
}

static void print_hex(const char *label, const char *text)
{
    char line[8192];
    size_t n = 0, len = strlen(text);
    for (size_t i = 0; i < len && n + 3 < sizeof line; i++)
        n += snprintf(line + n, sizeof line - n, "%02x", (unsigned char)text[i]);
    line[n] = 0;
    say("%s %s", label, line);
}

static int print_status(int argc, char **argv)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "SigBlk:", 7) || !strncmp(line, "SigIgn:", 7)) {
            line[strcspn(line, "\n")] = 0;
            say("%s", line);
        }
    }
    if (f) fclose(f);

    DIR *dir = opendir("/proc/self/fd");
    int self = dir ? dirfd(dir) : -1;
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == self) continue;
        char path[300], target[512];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = 0;
        say("fd %s %s", e->d_name, target);
    }
    if (dir) closedir(dir);

    for (int i = 0; i < argc; i++) print_hex("arg", argv[i]);
    for (char **env = environ; *env; env++) print_hex("env", *env);
    return 0;
}

static int with_state(char **argv)
{
    uint64_t mask = strtoull(argv[0], NULL, 16), ignored = strtoull(argv[1], NULL, 16);
    sigset_t set;
    sigemptyset(&set);
    for (int sig = 1; sig <= 64; sig++) {
        if (mask & (UINT64_C(1) << (sig - 1))) sigaddset(&set, sig);
        /* Exactly this ignored set: the test host (.NET) hands its children SIGPIPE ignored. */
        if (sig != SIGKILL && sig != SIGSTOP && (sig < 32 || sig > 33))
            signal(sig, (ignored & (UINT64_C(1) << (sig - 1))) ? SIG_IGN : SIG_DFL);
    }
    sigprocmask(SIG_SETMASK, &set, NULL);
    /* An inherited fd beyond 0-2, which must reach the final child too. */
    dup2(2, 7);
    char **cmd = argv + 2;
    if (*cmd && !strcmp(*cmd, "--")) cmd++;
    execvp(cmd[0], cmd);
    perror("execvp");
    return 127;
}

/*
 * Runs CMD in a process group of its own, as a job-control shell runs each job. Its parent, the
 * test host, is then in another group of the same session, so the group is not orphaned even
 * when the suite itself was started detached (setsid, nohup &): the kernel discards SIGTSTP,
 * SIGTTIN and SIGTTOU sent to a member of an orphaned group (is_current_pgrp_orphaned() in
 * kernel/signal.c).
 */
static int own_group(char **cmd)
{
    if (setpgid(0, 0) != 0) { perror("setpgid"); return 125; }
    execvp(cmd[0], cmd);
    perror("execvp");
    return 127;
}

static volatile sig_atomic_t term_received;
static void on_term(int sig) { (void)sig; term_received = 1; }

static int trap_term(double seconds, const char *file)
{
    struct sigaction sa = { .sa_handler = on_term };
    sigaction(SIGTERM, &sa, NULL);
    say("ready %d", getpid());
    while (!term_received) pause();
    struct timespec ts = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) { (void)!write(fd, "done\n", 5); close(fd); }
    return 0;
}

static int spawn_leftover(char *self, char **argv)
{
    /* The leftover reports "ready" through a pipe before we exit, so that it has its
       signal handling in place before anything can signal it. */
    int ready[2];
    if (pipe(ready) < 0) { perror("pipe"); return 3; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 3; }
    if (pid == 0) {
        /* The leftover must not hold the test's stdout pipe open, or nobody sees EOF. */
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(ready[1], 1);
        close(ready[0]);
        close(ready[1]);
        char *args[8] = { self };
        for (int i = 0; i < 6 && argv[i]; i++) args[i + 1] = argv[i];
        execv("/proc/self/exe", args);
        _exit(127);
    }
    close(ready[1]);
    char line[64];
    ssize_t n;
    while ((n = read(ready[0], line, sizeof line)) < 0 && errno == EINTR) {}
    close(ready[0]);
    say("leftover %d%s", pid, n > 0 ? "" : " (not ready)");
    return 0;
}

static int write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t w = write(fd, data, length);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        data += w;
        length -= (size_t)w;
    }
    return 0;
}

/* Numbered lines, so that a reader can tell a lost or reordered line from the numbers alone. */
static int write_lines(long count)
{
    char block[4096];
    size_t used = 0;
    for (long i = 1; i <= count; i++) {
        if (used > sizeof block - 32) {
            if (write_all(1, block, used) < 0) return 1;
            used = 0;
        }
        used += (size_t)snprintf(block + used, sizeof block - used, "%ld\n", i);
    }
    return write_all(1, block, used) < 0 ? 1 : 0;
}

/* A signal storm: queued real-time signals are never merged, so every one costs the receiver a read. */
static int storm(pid_t target, int sig)
{
    union sigval value = { .sival_int = 0 };
    int announced = 0;
    for (;;) {
        if (sigqueue(target, sig, value) == 0) {
            if (!announced) { say("storming"); announced = 1; }
        } else if (errno == ESRCH) {
            return 0;
        } else if (errno != EAGAIN) {
            perror("sigqueue");
            return 3;
        }
    }
}

/* sd_notify(3) as a client does it: one datagram to $NOTIFY_SOCKET, a path or an @abstract name. */
static int send_notify(const char *message)
{
    const char *address = getenv("NOTIFY_SOCKET");
    if (!address || !*address || strlen(address) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "tinyprobe: no usable NOTIFY_SOCKET\n");
        return 1;
    }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t length = strlen(address);
    memcpy(sa.sun_path, address, length);
    if (sa.sun_path[0] == '@') sa.sun_path[0] = 0;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    socklen_t size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
    if (fd < 0 || sendto(fd, message, strlen(message), 0, (struct sockaddr *)&sa, size) < 0) {
        perror("tinyprobe: sendto NOTIFY_SOCKET");
        return 1;
    }
    close(fd);
    return 0;
}

static int notify_and_stay(const char *message, const char *file)
{
    struct stat st;
    while (file && stat(file, &st) < 0) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    if (send_notify(message) != 0) return 1;
    say("notified %s", message);
    for (;;) pause();
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: tinyprobe MODE [args]\n"); return 2; }
    const char *mode = argv[1];
    if (!strcmp(mode, "exit") && argc > 2) return atoi(argv[2]);
    if (!strcmp(mode, "raise") && argc > 2) {
        int sig = atoi(argv[2]);
        signal(sig, SIG_DFL);
        sigset_t set; sigemptyset(&set); sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(sig);
        return 99;
    }
    if (!strcmp(mode, "signals")) return report_signals();
    if (!strcmp(mode, "grandchild-signals")) {
        sigset_t all;
        block_all(&all);
        pid_t pid = fork();
        if (pid == 0) return report_signals();
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return exit_code_of(status);
    }
    if (!strcmp(mode, "orphans") && argc > 2) return make_orphans(atoi(argv[2]));
    if (!strcmp(mode, "status")) return print_status(argc - 2, argv + 2);
    if (!strcmp(mode, "with-state") && argc > 4) return with_state(argv + 2);
    if (!strcmp(mode, "own-group") && argc > 2) return own_group(argv + 2);
    if (!strcmp(mode, "trap-term") && argc > 3) return trap_term(atof(argv[2]), argv[3]);
    if (!strcmp(mode, "ignore-term")) {
        signal(SIGTERM, SIG_IGN);
        say("ready %d", getpid());
        for (;;) pause();
    }
    if (!strcmp(mode, "spawn-leftover") && argc > 2) return spawn_leftover(argv[0], argv + 2);
    if (!strcmp(mode, "pid")) { say("pid %d", getpid()); return 0; }
    if (!strcmp(mode, "lines") && argc > 2) return write_lines(atol(argv[2]));
    if (!strcmp(mode, "exit-at-eof") && argc > 2) { wait_stdin_eof(); return atoi(argv[2]); }
    if (!strcmp(mode, "storm") && argc > 3) return storm(atoi(argv[2]), atoi(argv[3]));
    if (!strcmp(mode, "notify") && argc > 2) return notify_and_stay(argv[2], argc > 3 ? argv[3] : NULL);
    if (!strcmp(mode, "send-notify") && argc > 2) return send_notify(argv[2]);
    fprintf(stderr, "tinyprobe: unknown mode '%s'\n", mode);
    return 2;
}
