using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Libc
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200,
        O_APPEND = 0x400, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int O_NOCTTY = 0x100;

    public const int F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, FD_CLOEXEC = 1;
    public const int F_GETPIPE_SZ = 1032;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    public const uint EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLET = 1u << 31;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct epoll_event
    {
        public uint events;
        public ulong data;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint read(int fd, void* buf, nuint count);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint write(int fd, void* buf, nuint count);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags, int mode);

    /// <summary>open(2) with a NUL-terminated path already in native memory.</summary>
    [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true)]
    internal static partial int open(byte* path, int flags, int mode);

    /// <summary>fcntl(2) with an integer argument.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int epoll_create1(int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int epoll_ctl(int epfd, int op, int fd, ref epoll_event ev);

    /// <returns>The number of ready events, 0 on timeout, or -1 and errno (EINTR is retried by the caller).</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int epoll_wait(int epfd, epoll_event* events, int maxevents, int timeout);

    [LibraryImport(Libraries.Libc)]
    internal static partial byte* strerror(int errnum);

    public const uint FIONREAD = 0x541B;
    public const int SEEK_CUR = 1;


    /// <summary>ioctl(2) with an int out-argument (FIONREAD: bytes queued in a pipe, from either end).</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int ioctl(int fd, nuint request, int* arg);

    /// <returns>The offset, or -1 and errno (ESPIPE for pipes, sockets and terminals).</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial long lseek(int fd, long offset, int whence);

    public const int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;

    /// <summary>send(2): with MSG_DONTWAIT it never blocks, whatever the socket's own flags.</summary>
    /// <returns>Bytes sent, or -1 and errno (EAGAIN when the socket is full, ENOTSOCK for anything else).</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint send(int fd, void* buf, nuint len, int flags);

    /// <summary>pipe2(2): fds[0] is the read end, fds[1] the write end.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int pipe2(int* fds, int flags);

    /// <summary>readlink(2) with a NUL-terminated path in native memory.</summary>
    /// <returns>Bytes placed in buf (not NUL-terminated), or -1 and errno.</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint readlink(byte* path, byte* buf, nuint size);
}
