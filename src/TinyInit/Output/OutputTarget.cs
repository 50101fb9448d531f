using System;
using System.Globalization;
using System.Runtime.InteropServices;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using Tmds.Linux;

namespace TinyInit.Output;

/// <summary>
/// An fd that tinyinit writes to from its loop without ever blocking (docs/design.md, "Nothing the
/// loop writes can block it"). How depends on what the fd is:
/// - a regular file is written as it is: a write to a file never waits for a reader;
/// - a socket (getsockopt SO_TYPE; nothing is sent to find out) with send(MSG_DONTWAIT), which
///   never blocks whatever the socket's own flags;
/// - a pipe, FIFO or terminal through a non-blocking open file description of tinyinit's own,
///   reopened through /proc/self/fd with the same access mode (and O_NOCTTY): setting O_NONBLOCK
///   on the inherited description would change it for the child that shares it;
/// - if that reopen fails, each write waits for poll(2) to report room (with a zero timeout) and
///   writes at most PIPE_BUF bytes, which a pipe that polls writable always takes.
/// </summary>
internal sealed unsafe class OutputTarget : IDisposable
{
    /// <summary>PIPE_BUF (pipe(7)): a write this small into a pipe is all or nothing.</summary>
    public const int PipeBuf = 4096;

    private readonly bool _ownsFd;
    private readonly bool _pollBeforeWrite;

    private OutputTarget(int fd, OutputKind kind, int socketType, bool ownsFd, bool pollBeforeWrite)
    {
        Fd = fd;
        Kind = kind;
        SocketType = socketType;
        _ownsFd = ownsFd;
        _pollBeforeWrite = pollBeforeWrite;
        PipeCapacity = kind == OutputKind.Pipe ? LibC.fcntl(fd, Sys.F_GETPIPE_SZ, 0) : 0;
        if (kind == OutputKind.Socket)
        {
            int size = 0, length = sizeof(int);
            SendBufferSize = LibC.getsockopt(fd, Sys.SOL_SOCKET, Sys.SO_SNDBUF, &size, (socklen_t*)&length) == 0 ? size : 0;
        }
    }

    public int Fd { get; }

    public OutputKind Kind { get; }

    /// <summary>SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET for a socket; 0 otherwise.</summary>
    public int SocketType { get; }

    /// <summary>Whether each write is a message of its own (datagram and seqpacket sockets).</summary>
    public bool KeepsMessageBoundaries => SocketType is Sys.SOCK_DGRAM or Sys.SOCK_SEQPACKET;

    /// <summary>F_GETPIPE_SZ for a pipe or FIFO, else 0.</summary>
    public int PipeCapacity { get; }

    /// <summary>SO_SNDBUF for a socket (the kernel's own accounting, overhead included), else 0.</summary>
    public int SendBufferSize { get; }

    /// <summary>What the fd holds that its reader has not taken: FIONREAD for a pipe, SIOCOUTQ for a socket (in SO_SNDBUF's units).</summary>
    /// <returns>Bytes, or -1 when it cannot tell.</returns>
    public int Unread()
    {
        int queued;
        int request = Kind == OutputKind.Socket ? Sys.SIOCOUTQ : Sys.FIONREAD;
        return LibC.ioctl(Fd, request, &queued) == 0 ? queued : -1;
    }

    /// <summary>
    /// Wraps an inherited fd. With <paramref name="takeOver"/> the fd becomes tinyinit's own
    /// (--events fd:N: reopened and closed, or kept close-on-exec); without it (stdout, stderr) the
    /// inherited fd is left exactly as it is for the children that share it.
    /// </summary>
    public static OutputTarget Adopt(int fd, bool takeOver)
    {
        int type = SocketTypeOf(fd);
        if (type != 0)
            return Keep(fd, OutputKind.Socket, type, takeOver);
        if (LibC.lseek(fd, 0, Sys.SEEK_CUR) >= 0)
            return Keep(fd, OutputKind.File, 0, takeOver);

        OutputKind kind = LibC.fcntl(fd, Sys.F_GETPIPE_SZ, 0) > 0 ? OutputKind.Pipe : OutputKind.Other;
        int flags = LibC.fcntl(fd, Sys.F_GETFL, 0);
        int reopened = PathCalls.Open($"/proc/self/fd/{fd.ToString(CultureInfo.InvariantCulture)}", (flags & 3) | Sys.O_NONBLOCK | Sys.O_CLOEXEC | Sys.O_NOCTTY, 0);
        if (reopened >= 0)
        {
            if (takeOver)
                LibC.close(fd);
            return new OutputTarget(reopened, kind, 0, ownsFd: true, pollBeforeWrite: false);
        }

        Log.Debug($"reopening fd {fd} non-blocking through /proc failed ({Errors.Describe(Errors.Last())}): polling before each write");
        return Keep(fd, kind, 0, takeOver, pollBeforeWrite: true);
    }

    /// <summary>Opens PATH for appending (created if missing); a FIFO without a reader fails at once.</summary>
    /// <returns>The target, or null and the errno.</returns>
    public static OutputTarget? Open(string path, out Errno error)
    {
        int fd = PathCalls.Open(path, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_APPEND | Sys.O_CLOEXEC | Sys.O_NONBLOCK | Sys.O_NOCTTY, 0x1A4);
        error = fd < 0 ? Errors.Last() : 0;
        if (fd < 0)
            return null;
        int type = SocketTypeOf(fd);
        OutputKind kind = type != 0 ? OutputKind.Socket
            : LibC.lseek(fd, 0, Sys.SEEK_CUR) >= 0 ? OutputKind.File
            : LibC.fcntl(fd, Sys.F_GETPIPE_SZ, 0) > 0 ? OutputKind.Pipe
            : OutputKind.Other;
        return new OutputTarget(fd, kind, type, ownsFd: true, pollBeforeWrite: false);
    }

    /// <summary>Writes what the fd takes now without waiting.</summary>
    /// <returns>Bytes written (possibly fewer than given), or -1 and errno (EAGAIN: no room now).</returns>
    public nint WriteSome(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return 0;
        if (_pollBeforeWrite)
        {
            var ready = new Sys.pollfd_t { fd = Fd, events = Sys.POLLOUT };
            if (Sys.poll(&ready, 1, 0) <= 0 || (ready.revents & Sys.POLLOUT) == 0)
            {
                Marshal.SetLastPInvokeError((int)Errno.EAGAIN);
                return -1;
            }

            bytes = bytes[..Math.Min(bytes.Length, PipeBuf)];
        }

        fixed (byte* start = bytes)
        {
            nint n;
            do
            {
                n = (nint)(Kind == OutputKind.Socket
                    ? LibC.send(Fd, start, (size_t)bytes.Length, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL)
                    : LibC.write(Fd, start, (size_t)bytes.Length));
            }
            while (n < 0 && Errors.Last() == Errno.EINTR);
            return n;
        }
    }

    /// <summary>Waits until the fd has room, or the deadline (Stopwatch timestamp) passes. Only at exit.</summary>
    public bool WaitForRoom(long deadline)
    {
        var ready = new Sys.pollfd_t { fd = Fd, events = Sys.POLLOUT };
        int timeout = Loop.Deadline.TimeoutMilliseconds(deadline);
        return timeout >= 0 && Sys.poll(&ready, 1, timeout) > 0 && (ready.revents & Sys.POLLOUT) != 0;
    }

    private static OutputTarget Keep(int fd, OutputKind kind, int socketType, bool takeOver, bool pollBeforeWrite = false)
    {
        if (takeOver)
            LibC.fcntl(fd, Sys.F_SETFD, Sys.FD_CLOEXEC);
        return new OutputTarget(fd, kind, socketType, ownsFd: takeOver, pollBeforeWrite);
    }

    private static int SocketTypeOf(int fd)
    {
        int type = 0, length = sizeof(int);
        return LibC.getsockopt(fd, Sys.SOL_SOCKET, Sys.SO_TYPE, &type, (socklen_t*)&length) == 0 ? type : 0;
    }

    public void Dispose()
    {
        if (_ownsFd)
            LibC.close(Fd);
    }
}
