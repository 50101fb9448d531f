using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Sys
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6,
        SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13,
        SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
        SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25,
        SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;

    /// <summary>glibc's SIGRTMIN: 32 and 33 are reserved by glibc itself.</summary>
    public const int SIGRTMIN = 34;
    public const int SIGRTMAX = 64;

    public const int SFD_NONBLOCK = 0x800;
    public const int SFD_CLOEXEC = 0x80000;

    /// <summary>
    /// glibc's <c>sigset_t</c>: 1024 bits, of which the kernel uses the first 64. Tmds.LibC's sigset_t
    /// has the same 128 bytes but no way to set 64 bits at once; this one is passed to our own
    /// declarations (signalfd, posix_spawnattr_*), and by pointer cast to Tmds.LibC's sigprocmask.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Size = 128)]
    internal struct sigset_t
    {
        /// <summary>Signals 1..64, bit n-1 for signal n, as the kernel lays them out.</summary>
        public ulong low;

        public static sigset_t FromBits(ulong bits) => new() { low = bits };
    }

    /// <summary>signalfd(2) record: 128 bytes per signal read (Tmds.LibC lacks signalfd and this struct).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 128)]
    internal struct signalfd_siginfo
    {
        public uint ssi_signo;
        public int ssi_errno;
        public int ssi_code;
        public uint ssi_pid;
        public uint ssi_uid;
        public int ssi_fd;
        public uint ssi_tid;
        public uint ssi_band;
        public uint ssi_overrun;
        public uint ssi_trapno;
        public int ssi_status;
        public int ssi_int;
        public ulong ssi_ptr;
        public ulong ssi_utime;
        public ulong ssi_stime;
        public ulong ssi_addr;
    }

    /// <summary>glibc's three-argument wrapper; returns the fd, or -1 and errno. Not Tmds.LibC's: it lacks signalfd.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int signalfd(int fd, in sigset_t mask, int flags);

    public const int SIG_SETMASK = 2;
}
