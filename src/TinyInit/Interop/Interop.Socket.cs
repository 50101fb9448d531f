using System.Runtime.InteropServices;

namespace TinyInit.Interop;

/// <summary>Unix datagram sockets for sd_notify: unix(7), socket(7), recvmsg(2), cmsg(3).</summary>
internal static unsafe partial class Libc
{
    public const int AF_UNIX = 1;
    public const int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SO_PASSCRED = 16;
    public const int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    public const int MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20, MSG_CMSG_CLOEXEC = 0x40000000;

    /// <summary>offsetof(struct sockaddr_un, sun_path).</summary>
    public const int SunPathOffset = 2;

    /// <summary>The size of sun_path.</summary>
    public const int SunPathLength = 108;

    /// <summary>sizeof(struct cmsghdr) on x86-64, which is also CMSG_ALIGN of it: where CMSG_DATA starts.</summary>
    public const int CmsgHeaderSize = 16;

    // Named as in C, so that the man pages are their documentation.
#pragma warning disable CS8981
    [StructLayout(LayoutKind.Sequential)]
    internal struct sockaddr_un
    {
        public ushort sun_family;
        public fixed byte sun_path[SunPathLength];
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct iovec
    {
        public void* iov_base;
        public nuint iov_len;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct msghdr
    {
        public void* msg_name;
        public uint msg_namelen;
        public iovec* msg_iov;
        public nuint msg_iovlen;
        public void* msg_control;
        public nuint msg_controllen;
        public int msg_flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct cmsghdr
    {
        public nuint cmsg_len;
        public int cmsg_level;
        public int cmsg_type;
    }

    /// <summary>SCM_CREDENTIALS payload: the sender's pid, uid and gid as the kernel saw them, in our namespaces.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ucred
    {
        public int pid;
        public uint uid;
        public uint gid;
    }
#pragma warning restore CS8981

    /// <summary>CMSG_ALIGN: control message lengths round up to the size of a long.</summary>
    public static nuint CmsgAlign(nuint length) => (length + 7) & ~(nuint)7;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    /// <summary>bind(2); an address of only sun_family asks for autobind (unix(7)): a free abstract name.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int bind(int fd, sockaddr_un* addr, uint addrlen);

    /// <summary>connect(2): for a datagram socket, fixes the peer, so epoll's EPOLLOUT says whether the peer has room.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int connect(int fd, sockaddr_un* addr, uint addrlen);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int getsockname(int fd, sockaddr_un* addr, uint* addrlen);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int setsockopt(int fd, int level, int optname, int* optval, uint optlen);

    /// <returns>The size of the datagram read, or -1 and errno (EAGAIN when none is queued).</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint recvmsg(int fd, msghdr* msg, int flags);
}
