/*
 * Start-up state of tinyinit, captured before the .NET runtime starts.
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
 * and the raw argv and envp, which are handed to the child unchanged.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>

struct tinyinit_startup {
    uint64_t original_mask;    /* bit (n - 1) set: signal n was blocked */
    uint64_t original_ignored; /* bit (n - 1) set: signal n was SIG_IGN */
    uint64_t handled;          /* the signals tinyinit blocks and reads from its signalfd */
    int32_t argc;
    char **argv;
    char **envp;
};

static struct tinyinit_startup startup;

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

__attribute__((constructor))
static void tinyinit_capture_startup(int argc, char **argv, char **envp)
{
    sigset_t handled, original;
    sigemptyset(&handled);
    for (int sig = 1; sig <= 64; sig++) {
        struct sigaction current;
        if (sigaction(sig, NULL, &current) == 0 && current.sa_handler == SIG_IGN)
            startup.original_ignored |= UINT64_C(1) << (sig - 1);
        if (is_handled(sig)) {
            sigaddset(&handled, sig);
            startup.handled |= UINT64_C(1) << (sig - 1);
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
            startup.original_mask |= UINT64_C(1) << (sig - 1);

    startup.argc = argc;
    startup.argv = argv;
    startup.envp = envp;
}

/* Copies the state captured at start-up. */
void tinyinit_get_startup(struct tinyinit_startup *out)
{
    *out = startup;
}
