using System;
using System.Runtime.InteropServices;
using System.Text;

namespace TinyInit.Interop;

/// <summary>Unix sockets: datagrams for sd_notify and the stream of the control socket; unix(7), socket(7), recvmsg(2), cmsg(3).</summary>
internal static unsafe partial class Sys
{
    public const int AF_UNIX = 1;
    public const int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SO_PASSCRED = 16, SO_PEERCRED = 17;
    public const uint EPOLLRDHUP = 0x2000, EPOLLERR = 0x8, EPOLLHUP = 0x10;
    public const int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    public const int MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20, MSG_CMSG_CLOEXEC = 0x40000000;

    /// <summary>offsetof(struct sockaddr_un, sun_path).</summary>
    public const int SunPathOffset = 2;

    /// <summary>The size of sun_path.</summary>
    public const int SunPathLength = 108;

    /// <summary>sizeof(struct cmsghdr) on x86-64, which is also CMSG_ALIGN of it: where CMSG_DATA starts.</summary>
    public const int CmsgHeaderSize = 16;

    // Named as in C, so that the man pages are their documentation. The functions that take them
    // are Tmds.LibC's (socket, bind, connect, recvmsg, getsockopt...); these structs stay ours:
    // sockaddr_un for TryCreate, cmsghdr because Tmds.LibC's reads cmsg_len (a size_t) as 32 bits,
    // ucred and stat_t because their fields are plain ints here (Tmds.LibC's are pid_t, uid_t...
    // wrappers) and other code keeps them. Each has the layout of Tmds.LibC's (and glibc's) type,
    // and is passed to its functions by pointer cast (docs/design.md, Interop: Tmds.LibC and our own declarations).
#pragma warning disable CS8981
    [StructLayout(LayoutKind.Sequential)]
    internal struct sockaddr_un
    {
        public ushort sun_family;
        public fixed byte sun_path[SunPathLength];

        /// <summary>The address of a path, or false when the path (UTF-8, NUL included) does not fit.</summary>
        public static bool TryCreate(string path, out sockaddr_un address)
        {
            address = new sockaddr_un { sun_family = AF_UNIX };
            int length = Encoding.UTF8.GetByteCount(path);
            if (length == 0 || length >= SunPathLength || path.Contains('\0', StringComparison.Ordinal))
                return false;
            fixed (byte* target = address.sun_path)
                Encoding.UTF8.GetBytes(path, new Span<byte>(target, SunPathLength));
            return true;
        }
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

    /// <summary>CMSG_ALIGN: control message lengths round up to the size of a long.</summary>
    public static nuint CmsgAlign(nuint length) => (length + 7) & ~(nuint)7;
}
