/*
 * benchhelper: the C side of scripts/bench.sh and scripts/soak.sh.
 *
 * Timing-sensitive work is done here rather than in the Python driver so that the
 * interpreter's own overhead (tens of microseconds per call) never lands inside a
 * measured interval. Each mode does one thing; times are CLOCK_MONOTONIC nanoseconds,
 * which every process on the machine shares, so a time taken in one process can be
 * subtracted from a time taken in another.
 *
 *   run REPS SEED FILE          start-up timing: FILE holds one command per line, arguments
 *                               separated by tabs. Each repetition runs every command once, in
 *                               a fresh random order, and prints "rep<TAB>index<TAB>ns<TAB>status".
 *   child READYFD [ACKFD]       the child that the inits run (see child_main).
 *   latency N PID ACKFD...      signal-forwarding latency (see latency_main).
 *   storm PID SIG COUNT         send SIG to PID COUNT times as fast as possible; print failures.
 *   zombies N                   run as PID 1's child: time the init's reaping of N orphaned
 *                               zombies (see zombies_main).
 *   soak-child READYFD GOFD REPORTFD SECONDS ORPHANS
 *                               the main child of scripts/soak.sh (see soak_main).
 *   pace PID SIG COUNT SECONDS  send SIG to PID COUNT times, evenly spread over SECONDS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Marker signal: the child reports its counts when it arrives. Real-time signals are
 * dequeued lowest number first, by the init's signalfd and by the child's sigwaitinfo,
 * so when SIGRTMIN+2 reaches the child every SIGRTMIN+1 sent before it has been either
 * forwarded or lost by the init (signal(7), "Real-time signals"). */
#define SIG_COUNTED (SIGRTMIN + 1)
#define SIG_MARKER (SIGRTMIN + 2)

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static void die(const char *what)
{
    perror(what);
    exit(99);
}

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("write");
        p += n;
        len -= (size_t)n;
    }
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int fd, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        write_all(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* ---- run: start-up timing --------------------------------------------------------- */

static pid_t running_pid;

/* A hung init must not hang the whole benchmark: the alarm kills it, and its status says so. */
static void on_alarm(int sig)
{
    (void)sig;
    if (running_pid > 0)
        kill(running_pid, SIGKILL);
}

static int run_main(int reps, unsigned seed, const char *path)
{
    enum { MAX_CMDS = 64, MAX_ARGS = 32 };
    char *argvs[MAX_CMDS][MAX_ARGS + 1];
    int ncmds = 0;

    FILE *f = fopen(path, "r");
    if (!f)
        die(path);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0 && ncmds < MAX_CMDS) {
        line[strcspn(line, "\n")] = 0;
        int nargs = 0;
        for (char *tok = strtok(strdup(line), "\t"); tok && nargs < MAX_ARGS; tok = strtok(NULL, "\t"))
            argvs[ncmds][nargs++] = tok;
        argvs[ncmds][nargs] = NULL;
        if (nargs > 0)
            ncmds++;
    }
    fclose(f);

    signal(SIGALRM, on_alarm);
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);

    srand(seed);
    int order[MAX_CMDS];
    for (int rep = 0; rep < reps; rep++) {
        /* A fresh order every repetition, so no command always runs right after another one
         * (for example after the one that leaves the page cache or the scheduler warm). */
        for (int i = 0; i < ncmds; i++)
            order[i] = i;
        for (int i = ncmds - 1; i > 0; i--) {
            int j = rand() % (i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < ncmds; k++) {
            int i = order[k];
            int64_t start = now_ns();
            if (posix_spawn(&running_pid, argvs[i][0], &quiet, NULL, argvs[i], environ) != 0)
                die(argvs[i][0]);
            alarm(10);
            int status;
            while (waitpid(running_pid, &status, 0) < 0)
                if (errno != EINTR)
                    die("waitpid");
            int64_t took = now_ns() - start;
            alarm(0);
            running_pid = 0;
            printf("%d\t%d\t%lld\t%d\n", rep, i, (long long)took, status);
        }
    }
    return 0;
}

/* ---- child: what the inits supervise --------------------------------------------- */

/*
 * Blocks the signals it is sent and takes them with sigwaitinfo, so no handler and no
 * default action gets in the way, then says "ready <pid>" on READYFD. After that:
 *   SIGUSR1     writes its receipt time (8 bytes, CLOCK_MONOTONIC ns) to ACKFD;
 *   SIGUSR2     counted (standard signals coalesce, so the count only says "some arrived");
 *   SIGRTMIN+1  counted (real-time signals queue, so every one sent should arrive);
 *   SIGRTMIN+2  writes "counts <rtmin+1> <usr2>\n" to ACKFD;
 *   SIGTERM     exits 0, so the init's exit code shows that it passed the 0 through.
 * Anything else sleeps: the idle and RSS measures use it as a child that does nothing.
 */
static int child_main(int readyfd, int ackfd)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIG_COUNTED);
    sigaddset(&set, SIG_MARKER);
    sigprocmask(SIG_BLOCK, &set, NULL);
    say(readyfd, "ready %d\n", getpid());
    close(readyfd);

    long counted = 0, usr2 = 0;
    for (;;) {
        int sig = sigwaitinfo(&set, NULL);
        if (sig < 0) {
            if (errno == EINTR)
                continue;
            die("sigwaitinfo");
        }
        if (sig == SIGUSR1 && ackfd >= 0) {
            int64_t t = now_ns();
            write_all(ackfd, &t, sizeof t);
        } else if (sig == SIGUSR2) {
            usr2++;
        } else if (sig == SIG_COUNTED) {
            counted++;
        } else if (sig == SIG_MARKER && ackfd >= 0) {
            say(ackfd, "counts %ld %ld\n", counted, usr2);
        } else if (sig == SIGTERM) {
            return 0;
        }
    }
}

/* ---- latency: signal forwarding -------------------------------------------------- */

/*
 * For each of N rounds, in a fresh random order over the inits: take the time, send SIGUSR1
 * to the init, and wait for the child's receipt time on its ACKFD. One signal is in flight
 * at a time, so each sample is one forward with nothing queued behind it. Visiting the inits
 * round-robin means a burst of noise on this shared machine hits all of them alike.
 * Prints "index<TAB>ns" per sample.
 */
static int latency_main(int n, int ninits, char **args)
{
    pid_t pids[32];
    int acks[32], order[32];
    if (ninits > 32)
        ninits = 32;
    for (int i = 0; i < ninits; i++) {
        pids[i] = atoi(args[2 * i]);
        acks[i] = atoi(args[2 * i + 1]);
    }
    srand((unsigned)now_ns());
    for (int round = 0; round < n; round++) {
        for (int i = 0; i < ninits; i++)
            order[i] = i;
        for (int i = ninits - 1; i > 0; i--) {
            int j = rand() % (i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < ninits; k++) {
            int i = order[k];
            int64_t sent = now_ns();
            if (kill(pids[i], SIGUSR1) < 0)
                die("kill");
            int64_t received;
            if (read_all(acks[i], &received, sizeof received) < 0) {
                fprintf(stderr, "latency: no ack from init %d (pid %d)\n", i, pids[i]);
                return 2;
            }
            printf("%d\t%lld\n", i, (long long)(received - sent));
        }
    }
    return 0;
}

/* ---- storm / pace: many signals -------------------------------------------------- */

static int storm_main(pid_t pid, int sig, long count)
{
    long failed = 0;
    for (long i = 0; i < count; i++)
        if (kill(pid, sig) < 0)
            failed++;
    printf("%ld\n", failed);
    return 0;
}

/* Sends on an absolute schedule (clock_nanosleep TIMER_ABSTIME), so a late wake-up does not
 * push every later signal back and the total stays COUNT over about SECONDS. */
static int pace_main(pid_t pid, int sig, long count, double seconds)
{
    long failed = 0;
    int64_t start = now_ns();
    double step = seconds * 1e9 / (double)(count > 0 ? count : 1);
    for (long i = 0; i < count; i++) {
        int64_t due = start + (int64_t)(step * (double)i);
        struct timespec ts = { .tv_sec = due / 1000000000, .tv_nsec = due % 1000000000 };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
        }
        if (kill(pid, sig) < 0)
            failed++;
    }
    printf("%ld\n", failed);
    return 0;
}

/* ---- zombies: reaping as PID 1 ------------------------------------------------------ */

/*
 * Method. This process is the init's main child (the init is PID 1 of a new PID namespace).
 *  1. It forks an intermediate process, which forks N children that _exit(0) at once. They
 *     stay zombies of the intermediate, which never waits for them, so the init sees none yet.
 *  2. Each of the N inherits the write end of a pipe and drops it when it exits; the
 *     intermediate reads that pipe to EOF, so it knows all N have exited (are zombies).
 *  3. The intermediate stores t0 and exits. The kernel then reparents all N zombies to PID 1
 *     at once and sends it SIGCHLD: from here on only the init can make them go away.
 *  4. This process reaps the intermediate, then waits for each of the N pids in turn to
 *     disappear (kill(pid, 0) fails with ESRCH once the init has reaped it; a zombie still
 *     answers). It checks every 50 us and never reads /proc/PID/children, which takes the
 *     tasklist lock that the init's waitpid also needs. When the last pid is gone it takes t1.
 * Prints "t1 - t0" in ns: the init's time to reap N zombies, from the moment they were all
 * orphaned, including the kernel's reparenting (the same for every init). Pids are not
 * reused meanwhile: the namespace is new and allocates pids upwards from 1.
 */
static int zombies_main(int n)
{
    struct shared {
        int64_t t0;
        pid_t pids[];
    } *sh = mmap(NULL, sizeof *sh + (size_t)n * sizeof(pid_t), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        die("mmap");

    pid_t middle = fork();
    if (middle < 0)
        die("fork");
    if (middle == 0) {
        int all_exited[2];
        if (pipe(all_exited) < 0)
            _exit(98);
        for (int i = 0; i < n; i++) {
            pid_t p = fork();
            if (p < 0)
                _exit(97);
            if (p == 0)
                _exit(0);
            sh->pids[i] = p;
        }
        close(all_exited[1]);
        char c;
        while (read(all_exited[0], &c, 1) != 0) {
        }
        sh->t0 = now_ns();
        _exit(0);
    }

    int status;
    while (waitpid(middle, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "zombies: the forking process failed (status %d)\n", status);
        return 2;
    }
    for (int i = 0; i < n; i++)
        while (kill(sh->pids[i], 0) == 0)
            sleep_ns(50000);
    int64_t t1 = now_ns();
    printf("%lld\n", (long long)(t1 - sh->t0));
    return 0;
}

/* ---- soak-child: the main child of the endurance run ------------------------------ */

static long soak_counted;
static volatile int soak_marker_seen;

/* Counts forwarded SIGRTMIN+1 on a thread of its own, so the churn in the main thread never
 * delays taking them, and reports the count when the marker arrives. */
static void *soak_signal_thread(void *arg)
{
    int reportfd = *(int *)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIG_COUNTED);
    sigaddset(&set, SIG_MARKER);
    for (;;) {
        int sig = sigwaitinfo(&set, NULL);
        if (sig == SIG_COUNTED) {
            soak_counted++;
        } else if (sig == SIG_MARKER) {
            say(reportfd, "signals %ld\n", soak_counted);
            soak_marker_seen = 1;
        }
    }
    return NULL;
}

/*
 * The main child of scripts/soak.sh, run by tinyinit as PID 1. It says "ready <pid>" on
 * READYFD and waits for a byte on GOFD, so that the start figures are taken while tinyinit
 * is idle. Then, for SECONDS, it:
 *  - keeps 4 workers alive, killing the oldest (SIGTERM, then waitpid) and starting a new
 *    one every 20 ms: the main child's own churn, which tinyinit must not interfere with;
 *  - makes ORPHANS orphans spread evenly over the run (a double fork whose middle process
 *    exits at once), each living 0-20 ms, so tinyinit reaps them;
 *  - counts the SIGRTMIN+1 forwarded to it (soak_signal_thread).
 * Then it says "churned <orphans> <workers>" on REPORTFD and waits: SIGTERM ends it with 0.
 * Only async-signal-safe calls are made between fork and _exit (the process has 2 threads).
 */
static int soak_main(int readyfd, int gofd, int reportfd, double seconds, long orphans)
{
    enum { WORKERS = 4 };
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIG_COUNTED);
    sigaddset(&set, SIG_MARKER);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);

    pthread_t thread;
    if (pthread_create(&thread, NULL, soak_signal_thread, &reportfd) != 0)
        die("pthread_create");
    say(readyfd, "ready %d\n", getpid());
    close(readyfd);
    char go;
    if (read_all(gofd, &go, 1) < 0)
        die("soak-child: no go");
    close(gofd);

    sigset_t worker_mask;
    sigemptyset(&worker_mask);
    pid_t workers[WORKERS] = { 0 };
    long made = 0, started = 0;
    int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9);
    double orphan_step = seconds * 1e9 / (double)(orphans > 0 ? orphans : 1);
    int64_t next_worker = start;
    unsigned seed = (unsigned)start;

    for (int64_t now = start; now < end || made < orphans; now = now_ns()) {
        if (now >= next_worker && now < end) {
            int slot = (int)(started % WORKERS);
            if (workers[slot] > 0) {
                kill(workers[slot], SIGTERM);
                while (waitpid(workers[slot], NULL, 0) < 0 && errno == EINTR) {
                }
            }
            pid_t w = fork();
            if (w == 0) {
                sigprocmask(SIG_SETMASK, &worker_mask, NULL);
                for (;;)
                    pause();
            }
            workers[slot] = w;
            started++;
            next_worker += 20000000;
        }
        while (made < orphans && now >= start + (int64_t)(orphan_step * (double)made)) {
            int life_us = rand_r(&seed) % 20000;
            pid_t middle = fork();
            if (middle == 0) {
                if (fork() == 0) {
                    struct timespec ts = { 0, (long)life_us * 1000 };
                    nanosleep(&ts, NULL);
                    _exit(0);
                }
                _exit(0);
            }
            if (middle > 0)
                while (waitpid(middle, NULL, 0) < 0 && errno == EINTR) {
                }
            made++;
        }
        sleep_ns(1000000);
    }
    for (int i = 0; i < WORKERS; i++)
        if (workers[i] > 0) {
            kill(workers[i], SIGTERM);
            while (waitpid(workers[i], NULL, 0) < 0 && errno == EINTR) {
            }
        }

    say(reportfd, "churned %ld %ld\n", made, started);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    while (sigwaitinfo(&term, NULL) != SIGTERM) {
    }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "run") && argc == 5)
        return run_main(atoi(argv[2]), (unsigned)strtoul(argv[3], NULL, 10), argv[4]);
    if (!strcmp(mode, "child") && (argc == 3 || argc == 4))
        return child_main(atoi(argv[2]), argc == 4 ? atoi(argv[3]) : -1);
    if (!strcmp(mode, "latency") && argc >= 5 && argc % 2 == 1)
        return latency_main(atoi(argv[2]), (argc - 3) / 2, argv + 3);
    if (!strcmp(mode, "storm") && argc == 5)
        return storm_main(atoi(argv[2]), atoi(argv[3]), atol(argv[4]));
    if (!strcmp(mode, "pace") && argc == 6)
        return pace_main(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), atof(argv[5]));
    if (!strcmp(mode, "zombies") && argc == 3)
        return zombies_main(atoi(argv[2]));
    if (!strcmp(mode, "soak-child") && argc == 7)
        return soak_main(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atof(argv[5]), atol(argv[6]));
    fprintf(stderr, "usage: see the comment at the top of benchhelper.c\n");
    return 2;
}
