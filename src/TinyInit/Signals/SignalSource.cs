using System;
using TinyInit.Interop;
using Tmds.Linux;

namespace TinyInit.Signals;

/// <summary>
/// The signalfd(2) through which tinyinit receives every signal it handles. The signals were
/// blocked in every thread by Native/startup.c before the runtime started, so none of them is
/// ever delivered any other way, and none is lost (docs/design.md, "The signal mask").
/// </summary>
internal sealed unsafe class SignalSource : IDisposable
{
    /// <summary>Signals read per turn of the loop: a storm costs one batch per turn, never the whole turn.</summary>
    public const int BatchSize = 32;

    private readonly Sys.signalfd_siginfo[] _batch = new Sys.signalfd_siginfo[BatchSize];

    private SignalSource(int fd) => Fd = fd;

    public int Fd { get; private set; }

    /// <returns>The source, or null and the errno.</returns>
    public static SignalSource? Open(ulong handledSignals, out Errno error)
    {
        int fd = Sys.signalfd(-1, Sys.sigset_t.FromBits(handledSignals), Sys.SFD_NONBLOCK | Sys.SFD_CLOEXEC);
        error = fd < 0 ? Errors.Last() : 0;
        return fd < 0 ? null : new SignalSource(fd);
    }

    /// <summary>
    /// Reads one batch of pending signals; an empty span when none is pending. One read per turn:
    /// the signalfd is level-triggered in epoll, so what is still pending wakes the next turn.
    /// </summary>
    public ReadOnlySpan<Sys.signalfd_siginfo> ReadBatch()
    {
        fixed (Sys.signalfd_siginfo* buffer = _batch)
        {
            nint n;
            while ((n = (nint)LibC.read(Fd, buffer, (size_t)(BatchSize * sizeof(Sys.signalfd_siginfo)))) < 0 && Errors.Last() == Errno.EINTR)
            {
            }

            return n > 0 ? _batch.AsSpan(0, (int)n / sizeof(Sys.signalfd_siginfo)) : [];
        }
    }

    public void Dispose()
    {
        if (Fd >= 0)
        {
            LibC.close(Fd);
            Fd = -1;
        }
    }
}
