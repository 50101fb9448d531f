/*
 * Start-up state of tinyinit, captured before the .NET runtime starts, and the few things
 * about signals that only C can do.
 *
 * Why this is C: a native-AOT program already has a second thread, with an empty
 * signal mask, when Main runs. Blocking signals in Main would cover only the main
 * thread, so SIGCHLD could be consumed elsewhere and a SIGTERM with default
 * disposition could kill the process (docs/design.md, The signal mask).
 * An ELF constructor runs before the runtime creates any thread, so every thread
 * inherits the mask set here.
 *
 * It also records what tinyinit was started with, before the runtime changes it
 * (the runtime sets SIGPIPE to SIG_IGN): the signal mask, the ignored signals,
 * which descriptors were open, and the raw argv and envp, which are handed to the
 * child unchanged.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Descriptors below this are recorded as open or not at start (see record_open_fds). */
#define CHECKED_FDS 1024

struct tinyinit_startup {
    uint64_t original_mask;    /* bit (n - 1) set: signal n was blocked */
    uint64_t original_ignored; /* bit (n - 1) set: signal n was SIG_IGN */
    uint64_t handled;          /* the signals tinyinit blocks and reads from its signalfd */
    int32_t argc;
    char **argv;
    char **envp;
    uint64_t open_fds[CHECKED_FDS / 64]; /* bit (fd % 64) of word fd / 64 set: fd was open */
    int32_t checked_fds;       /* open_fds covers fds 0 to checked_fds - 1 */
};

static struct tinyinit_startup startup;

/* Set by Main's first call: until then, an exit means the runtime never started. */
static volatile int main_started;

#define BIT(sig) (UINT64_C(1) << ((sig) - 1))

/*
 * Signals that must keep their default behaviour in tinyinit, so they are never
 * blocked and never forwarded:
 * - SIGKILL and SIGSTOP cannot be blocked;
 * - crash signals must reach the runtime's handlers, as in every init;
 * - 32 and 33 are glibc's own (thread cancellation, setxid) and SIGRTMIN (34) is
 *   the signal the .NET runtime uses to suspend threads for the GC.
 */
static int is_handled(int sig)
{
    switch (sig) {
    case SIGKILL: case SIGSTOP:
    case SIGFPE: case SIGILL: case SIGSEGV: case SIGBUS:
    case SIGABRT: case SIGTRAP: case SIGSYS:
        return 0;
    default:
        return sig < __SIGRTMIN || sig > SIGRTMIN;
    }
}

/*
 * One poll(2) over the low descriptors with no events asked for: the kernel answers POLLNVAL
 * for each one that is not open, in one system call (a few microseconds for 1024). nfds may not
 * exceed RLIMIT_NOFILE (EINVAL), hence the cap. Nothing is recorded if it fails.
 */
static void record_open_fds(void)
{
    struct rlimit files;
    int count = CHECKED_FDS;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < (rlim_t)count)
        count = (int)files.rlim_cur;

    struct pollfd fds[CHECKED_FDS];
    for (int fd = 0; fd < count; fd++)
        fds[fd] = (struct pollfd){ .fd = fd, .events = 0 };
    if (poll(fds, (nfds_t)count, 0) < 0)
        return;
    for (int fd = 0; fd < count; fd++)
        if (!(fds[fd].revents & POLLNVAL))
            startup.open_fds[fd / 64] |= UINT64_C(1) << (fd % 64);
    startup.checked_fds = count;
}

static void append_limit(char *line, size_t size, const char *name, int resource)
{
    struct rlimit limit;
    size_t used = strlen(line);
    if (getrlimit(resource, &limit) != 0 || used >= size)
        return;
    if (limit.rlim_cur == RLIM_INFINITY)
        snprintf(line + used, size - used, "%s unlimited", name);
    else
        snprintf(line + used, size - used, "%s %llu", name, (unsigned long long)limit.rlim_cur);
}

/*
 * The native-AOT runtime returns from main with -1 (exit status 255) and prints nothing when it
 * cannot start: too little address space for the GC's reservation, or RLIMIT_NPROC too low for
 * its finalizer thread. Say so, with the limits that usually cause it.
 */
static void report_runtime_start_failure(void)
{
    if (main_started)
        return;
    char line[256] = "[tinyinit] ERROR the .NET runtime could not start (";
    append_limit(line, sizeof line, "RLIMIT_AS", RLIMIT_AS);
    strncat(line, ", ", sizeof line - strlen(line) - 1);
    append_limit(line, sizeof line, "RLIMIT_DATA", RLIMIT_DATA);
    strncat(line, ", ", sizeof line - strlen(line) - 1);
    append_limit(line, sizeof line, "RLIMIT_NPROC", RLIMIT_NPROC);
    strncat(line, ")\n", sizeof line - strlen(line) - 1);
    ssize_t ignored = write(2, line, strlen(line));
    (void)ignored;
}

__attribute__((constructor))
static void tinyinit_capture_startup(int argc, char **argv, char **envp)
{
    sigset_t handled, original;
    sigemptyset(&handled);
    for (int sig = 1; sig <= 64; sig++) {
        struct sigaction current;
        if (sigaction(sig, NULL, &current) == 0 && current.sa_handler == SIG_IGN)
            startup.original_ignored |= BIT(sig);
        if (is_handled(sig)) {
            sigaddset(&handled, sig);
            startup.handled |= BIT(sig);
        }
    }
    sigprocmask(SIG_BLOCK, &handled, &original);

    /* With SIGCHLD ignored (or SA_NOCLDWAIT), the kernel reaps children itself and waitid never
       sees the main child exit: tinyinit must have the default disposition. The child gets the
       default too (posix_spawn cannot hand it SIG_IGN back). */
    struct sigaction child_default = { .sa_handler = SIG_DFL };
    sigaction(SIGCHLD, &child_default, NULL);
    for (int sig = 1; sig <= 64; sig++)
        if (sigismember(&original, sig) == 1)
            startup.original_mask |= BIT(sig);

    startup.argc = argc;
    startup.argv = argv;
    startup.envp = envp;
    record_open_fds();
    atexit(report_runtime_start_failure);
}

/* Copies the state captured at start-up. */
void tinyinit_get_startup(struct tinyinit_startup *out)
{
    *out = startup;
}

/* Main calls this first: from then on an exit is tinyinit's own, with its own message. */
void tinyinit_main_started(void)
{
    main_started = 1;
}

/*
 * SIGSEGV and SIGFPE sent by a process.
 *
 * The runtime catches both to turn faults in managed code into NullReferenceException and
 * DivideByZeroException, and takes a sent one for a fault too (its SIGSEGV mapping lists SI_USER).
 * Outside managed code it then puts back the action it found and returns: the first kill -SEGV was
 * dropped and left SIGSEGV at SIG_DFL, the runtime's fault handling gone for good, and a second
 * one killed tinyinit. Started with SIGSEGV ignored, it calls SIG_IGN's value as a handler and
 * dies at once. Delivered while managed code runs, it would (by its source) raise a
 * NullReferenceException there.
 *
 * The guard goes in front of the runtime's handler. A fault (si_code > 0: SEGV_MAPERR, SI_KERNEL
 * for a general protection fault...) goes to the runtime as before. A signal sent by kill(2),
 * tgkill(2) or sigqueue(3) (si_code <= 0, see sigaction(2)) gets what the action tinyinit was
 * started with would do: nothing if that was SIG_IGN; nothing as PID 1, whose default-action
 * signals the kernel discards (pid_namespaces(7)); otherwise the default action, which ends it.
 */
static struct sigaction runtime_segv, runtime_fpe;

static void guard_crash_signal(int sig, siginfo_t *info, void *context)
{
    const struct sigaction *runtime = sig == SIGSEGV ? &runtime_segv : &runtime_fpe;
    if (info->si_code > 0) {
        runtime->sa_sigaction(sig, info, context);
        return;
    }
    if ((startup.original_ignored & BIT(sig)) || getpid() == 1)
        return;
    /* Pending until the handler returns (the signal is blocked while it runs), then fatal. */
    struct sigaction fallback = { .sa_handler = SIG_DFL };
    sigaction(sig, &fallback, NULL);
    raise(sig);
}

static void guard(int sig, struct sigaction *runtime)
{
    if (sigaction(sig, NULL, runtime) != 0 || !(runtime->sa_flags & SA_SIGINFO))
        return;
    /* Same flags (SA_ONSTACK: the runtime handles stack overflow on the alternate stack) and mask. */
    struct sigaction wrapper = *runtime;
    wrapper.sa_sigaction = guard_crash_signal;
    sigaction(sig, &wrapper, NULL);
}

/* Main calls this once, after the runtime installed its handlers and before any child exists. */
void tinyinit_guard_crash_signals(void)
{
    guard(SIGSEGV, &runtime_segv);
    guard(SIGFPE, &runtime_fpe);
}

/*
 * Signals tinyinit was started ignoring and no longer ignores: the runtime's (SIGSEGV, SIGFPE,
 * SIGRTMIN) and nothing else, SIGCHLD aside (see the constructor). posix_spawn(3) can reset a
 * signal to SIG_DFL in the child but never set SIG_IGN: the child gets SIG_IGN only for what is
 * SIG_IGN in tinyinit at the moment of the spawn. So those are ignored in tinyinit around each
 * spawn, and put back at once. Known once the runtime has started; computed at the first spawn.
 */
static uint64_t lost_ignores(void)
{
    static int known;
    static uint64_t lost;
    if (known)
        return lost;
    known = 1;
    for (int sig = 1; sig <= 64; sig++) {
        struct sigaction current;
        if (sig != SIGCHLD && (startup.original_ignored & BIT(sig))
            && sigaction(sig, NULL, &current) == 0 && current.sa_handler != SIG_IGN)
            lost |= BIT(sig);
    }
    return lost;
}

static struct sigaction saved_for_spawn[65];

/*
 * Called on the main thread right before posix_spawn. While the window is open, the only other
 * thread is the runtime's finalizer, and the main thread waits in native code: the GC never
 * needs SIGRTMIN to suspend it, and a fault in a finalizer would end the process either way.
 * Returns the signals it changed, for tinyinit_end_spawn_window.
 */
uint64_t tinyinit_begin_spawn_window(uint64_t wanted)
{
    uint64_t change = wanted & lost_ignores();
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    for (int sig = 1; sig <= 64; sig++)
        if ((change & BIT(sig)) && sigaction(sig, &ignore, &saved_for_spawn[sig]) != 0)
            change &= ~BIT(sig);
    return change;
}

void tinyinit_end_spawn_window(uint64_t changed)
{
    for (int sig = 1; sig <= 64; sig++)
        if (changed & BIT(sig))
            sigaction(sig, &saved_for_spawn[sig], NULL);
}
