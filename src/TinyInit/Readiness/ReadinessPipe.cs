using System;
using TinyInit.Interop;
using TinyInit.Loop;
using Tmds.Linux;

namespace TinyInit.Readiness;

/// <summary>
/// fd:N, s6's notification-fd (s6-supervise(8), "notification-fd"): the service gets the write end
/// of a pipe at fd N and is ready once it writes a newline there. tinyinit's read end is
/// non-blocking and read once per wake-up; it is closed once the newline came, as s6 closes it,
/// so a service that writes again after that gets EPIPE.
/// </summary>
internal sealed unsafe class ReadinessPipe : IDisposable
{
    private const int ReadSize = 512;

    private EventLoop? _loop;

    private ReadinessPipe(int readFd, int writeFd)
    {
        ReadFd = readFd;
        WriteFd = writeFd;
    }

    public int ReadFd { get; private set; }

    /// <summary>The end the child gets at fd N; closed in tinyinit once the child is spawned.</summary>
    public int WriteFd { get; private set; }

    /// <returns>The pipe, or null and errno.</returns>
    public static ReadinessPipe? Open(out Errno error)
    {
        int* fds = stackalloc int[2];
        error = 0;
        if (LibC.pipe2(fds, Sys.O_CLOEXEC) < 0)
        {
            error = Errors.Last();
            return null;
        }

        LibC.fcntl(fds[0], Sys.F_SETFL, Sys.O_NONBLOCK);
        return new ReadinessPipe(fds[0], fds[1]);
    }

    /// <summary>Watches the read end: <paramref name="ready"/> runs at the first newline, <paramref name="closed"/> at EOF without one.</summary>
    /// <returns>0, or the errno of epoll_ctl.</returns>
    public Errno Attach(EventLoop loop, Action ready, Action closed)
    {
        _loop = loop;
        return loop.Watch(ReadFd, Sys.EPOLLIN, _ =>
        {
            switch (ReadOnce())
            {
                case true:
                    ready();
                    break;
                case false:
                    closed();
                    break;
            }
        });
    }

    public void CloseWriteEnd()
    {
        if (WriteFd >= 0)
        {
            LibC.close(WriteFd);
            WriteFd = -1;
        }
    }

    /// <returns>True: a newline came; false: every writer closed the pipe without one; null: read again later.</returns>
    private bool? ReadOnce()
    {
        byte* buffer = stackalloc byte[ReadSize];
        nint n;
        while ((n = (nint)LibC.read(ReadFd, buffer, ReadSize)) < 0 && Errors.Last() == Errno.EINTR)
        {
        }

        if (n > 0)
            return new ReadOnlySpan<byte>(buffer, (int)n).Contains((byte)'\n') ? true : null;
        return n < 0 && Errors.Last() == Errno.EAGAIN ? null : false;
    }

    public void Dispose()
    {
        CloseWriteEnd();
        if (ReadFd >= 0)
        {
            _loop?.Unwatch(ReadFd);
            LibC.close(ReadFd);
            ReadFd = -1;
        }
    }
}
