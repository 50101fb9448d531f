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

    public const int O_RDONLY = 0, O_NONBLOCK = 0x800;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc")]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkfifo(string path, int mode);

    public const int F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    public const uint FIONREAD = 0x541B;

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int ioctl(int fd, nuint request, int* arg);

    /// <summary>Bytes waiting to be read in a pipe, FIFO or socket (FIONREAD), or -1.</summary>
    public static unsafe int QueuedBytes(int fd)
    {
        int queued;
        return ioctl(fd, FIONREAD, &queued) == 0 ? queued : -1;
    }

    /// <summary>Reads everything an fd holds now, up to EOF or EAGAIN.</summary>
    public static unsafe byte[] ReadAvailable(int fd)
    {
        var all = new List<byte>();
        byte* buffer = stackalloc byte[65536];
        nint n;
        while ((n = read(fd, buffer, 65536)) > 0)
            all.AddRange(new ReadOnlySpan<byte>(buffer, (int)n));
        return all.ToArray();
    }
}
