using Tmds.Linux;

namespace TinyInit.Interop;

/// <summary>
/// pidfd_open(2) and pidfd_send_signal(2) through Tmds.LibC's syscall(2): neither it nor glibc
/// before 2.36 has a wrapper for them.
/// </summary>
internal static partial class Sys
{
    private const int SYS_pidfd_send_signal = 424;
    private const int SYS_pidfd_open = 434;

    /// <summary>pidfd_open(2).</summary>
    /// <returns>A close-on-exec fd that refers to the process, or -1 and errno (ESRCH, ENOSYS before Linux 5.3).</returns>
    internal static int pidfd_open(int pid) => (int)LibC.syscall(SYS_pidfd_open, pid, 0);

    /// <summary>pidfd_send_signal(2) flag, Linux 6.9: signal the process group the process leads.</summary>
    public const int PIDFD_SIGNAL_PROCESS_GROUP = 1 << 2;

    /// <summary>pidfd_send_signal(2): the signal reaches that process (or its group) or none, never a recycled pid.</summary>
    /// <returns>0, or -1 and errno (ESRCH once the process has exited; EINVAL for a flag the kernel lacks).</returns>
    internal static unsafe int pidfd_send_signal(int pidfd, int sig, int flags = 0) =>
        (int)LibC.syscall(SYS_pidfd_send_signal, pidfd, sig, (void*)null, flags);
}
