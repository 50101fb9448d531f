using System.Runtime.InteropServices;

namespace TinyInit.Interop;

/// <summary>
/// Constants for the file, pipe and epoll calls, which come from Tmds.LibC (Tmds.Linux.LibC);
/// its constants are properties, so they cannot be used in constant expressions or switch cases.
/// See docs/design.md, "Interop: Tmds.LibC and our own declarations".
/// </summary>
internal static unsafe partial class Sys
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200,
        O_APPEND = 0x400, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int O_NOCTTY = 0x100;

    public const int F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, FD_CLOEXEC = 1;
    public const int F_GETPIPE_SZ = 1032;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    public const uint EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLET = 1u << 31;

    /// <summary>Not Tmds.LibC's: it declares only strerror_r (as __xpg_strerror_r), which needs a buffer per call.</summary>
    [LibraryImport(Libraries.Libc)]
    internal static partial byte* strerror(int errnum);

    /// <summary>ioctl(2) request: bytes queued in a pipe, from either end.</summary>
    public const int FIONREAD = 0x541B;
    public const int SEEK_CUR = 1;

    public const int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
}
