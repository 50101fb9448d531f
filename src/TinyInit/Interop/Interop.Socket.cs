using System;
using System.Runtime.InteropServices;
using System.Text;

namespace TinyInit.Interop;

/// <summary>Unix stream sockets for the control socket (unix(7)), and the file calls its path needs.</summary>
internal static unsafe partial class Libc
{
    public const int AF_UNIX = 1;
    public const int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SO_PEERCRED = 17;
    public const uint EPOLLRDHUP = 0x2000, EPOLLERR = 0x8, EPOLLHUP = 0x10;

    /// <summary>st_mode's file type bits and the socket type (inode(7)).</summary>
    public const uint S_IFMT = 0xF000, S_IFSOCK = 0xC000;

    // Named as in C, so that unix(7), socket(7) and stat(2) are their documentation.
#pragma warning disable CS8981
    /// <summary>struct sockaddr_un: a family and a NUL-terminated path of at most 107 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct sockaddr_un
    {
        public const int PathSize = 108;

        public ushort sun_family;
        public fixed byte sun_path[PathSize];

        /// <summary>The address of a path, or false when the path (UTF-8, NUL included) does not fit.</summary>
        public static bool TryCreate(string path, out sockaddr_un address)
        {
            address = new sockaddr_un { sun_family = AF_UNIX };
            int length = Encoding.UTF8.GetByteCount(path);
            if (length == 0 || length >= PathSize || path.Contains('\0', StringComparison.Ordinal))
                return false;
            fixed (byte* target = address.sun_path)
                Encoding.UTF8.GetBytes(path, new Span<byte>(target, PathSize));
            return true;
        }
    }

    /// <summary>struct ucred (SO_PEERCRED): the peer's pid, uid and gid at connect(2) time.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ucred
    {
        public int pid;
        public uint uid;
        public uint gid;
    }

    /// <summary>struct stat on x86-64, with the fields tinyinit reads (the whole 144 bytes are reserved).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 144)]
    internal struct stat_t
    {
        [FieldOffset(0)] public ulong st_dev;
        [FieldOffset(8)] public ulong st_ino;
        [FieldOffset(24)] public uint st_mode;
        [FieldOffset(28)] public uint st_uid;
    }
#pragma warning restore CS8981

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int bind(int fd, sockaddr_un* address, int length);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int listen(int fd, int backlog);

    /// <returns>The connected fd, or -1 and errno (EAGAIN: none waiting; ECONNABORTED, EMFILE...).</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int accept4(int fd, void* address, void* length, int flags);

    /// <returns>0, or -1 and errno (ENOENT: no such file; ECONNREFUSED: nobody listens; EAGAIN: backlog full).</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int connect(int fd, sockaddr_un* address, int length);

    /// <summary>getsockopt(2) for SO_PEERCRED.</summary>
    [LibraryImport(Libraries.Libc, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int getsockopt_ucred(int fd, int level, int optname, ucred* optval, int* optlen);

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int unlink(string path);

    /// <summary>lstat(2): the link itself, never what it points to.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int lstat(string path, stat_t* buf);

    /// <returns>The previous mask; never fails.</returns>
    [LibraryImport(Libraries.Libc)]
    internal static partial uint umask(uint mask);

    [LibraryImport(Libraries.Libc)]
    internal static partial uint geteuid();
}
