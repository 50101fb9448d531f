using System.Runtime.InteropServices;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>The few libc calls the tests need to act on processes directly.</summary>
internal static partial class Native
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11,
        SIGUSR2 = 12, SIGPIPE = 13, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20,
        SIGTTIN = 21, SIGTTOU = 22, SIGWINCH = 28, SIGRTMIN = 34;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    public static partial int getpid();
}
