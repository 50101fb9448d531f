namespace TinyInit.Interop;

/// <summary>What the non-blocking output targets need beyond read/write: the socket type and its queue.</summary>
internal static partial class Sys
{
    public const int SOL_SOCKET = 1, SO_TYPE = 3, SO_SNDBUF = 7;

    /// <summary>socket(7) ioctl: bytes (for AF_UNIX, buffer memory) not yet taken by the peer.</summary>
    public const int SIOCOUTQ = 0x5411;

    public const int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
}
