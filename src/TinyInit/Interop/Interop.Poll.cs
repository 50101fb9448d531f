using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Sys
{
    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10;

    /// <summary><c>struct pollfd</c> (poll(2)); ours, for our poll (Tmds.LibC's has properties, not fields).</summary>
    internal struct pollfd_t
    {
        public int fd;
        public short events;
        public short revents;
    }

    /// <summary>
    /// poll(2) on a few fds: waits before the event loop exists, and the bounded waits at exit.
    /// Not Tmds.LibC's: it declares poll without SetLastError, so errno (EINTR) would be lost.
    /// </summary>
    /// <returns>The number of ready fds, 0 on timeout, or -1 and errno.</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int poll(pollfd_t* fds, nuint nfds, int timeout);
}
