using System.Runtime.InteropServices;

namespace TinyInit.Interop;

/// <summary>What the non-blocking output targets need beyond read/write: the socket type and its queue.</summary>
internal static unsafe partial class Libc
{
    public const int SOL_SOCKET = 1, SO_TYPE = 3, SO_SNDBUF = 7;

    /// <summary>socket(7) ioctl: bytes (for AF_UNIX, buffer memory) not yet taken by the peer.</summary>
    public const uint SIOCOUTQ = 0x5411;

    public const int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;

    /// <summary>getsockopt(2) with an int option (SO_TYPE).</summary>
    /// <returns>0, or -1 and errno (ENOTSOCK for anything but a socket).</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int getsockopt(int fd, int level, int optname, int* optval, int* optlen);
}
