using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Libc
{
    private const long SYS_pidfd_send_signal = 424;
    private const long SYS_pidfd_open = 434;

    /// <summary>syscall(2) with up to four integer arguments (glibc's syscall is plain assembly, no va_list).</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial long syscall(long number, long a1, long a2, long a3, long a4);

    /// <summary>pidfd_open(2): glibc before 2.36 has no wrapper.</summary>
    /// <returns>A close-on-exec fd that refers to the process, or -1 and errno (ESRCH, ENOSYS before Linux 5.3).</returns>
    internal static int pidfd_open(int pid) => (int)syscall(SYS_pidfd_open, pid, 0, 0, 0);

    /// <summary>pidfd_send_signal(2) flag, Linux 6.9: signal the process group the process leads.</summary>
    public const int PIDFD_SIGNAL_PROCESS_GROUP = 1 << 2;

    /// <summary>pidfd_send_signal(2): the signal reaches that process (or its group) or none, never a recycled pid.</summary>
    /// <returns>0, or -1 and errno (ESRCH once the process has exited; EINVAL for a flag the kernel lacks).</returns>
    internal static int pidfd_send_signal(int pidfd, int sig, int flags = 0) => (int)syscall(SYS_pidfd_send_signal, pidfd, sig, 0, flags);
}
