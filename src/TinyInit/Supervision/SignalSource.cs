using System;
using TinyInit.Interop;

namespace TinyInit.Supervision;

/// <summary>
/// The signalfd(2) through which tinyinit receives every signal it handles. The signals were
/// blocked in every thread by Native/startup.c before the runtime started, so none of them is
/// ever delivered any other way, and none is lost.
/// </summary>
internal sealed unsafe class SignalSource : IDisposable
{
    private const int BatchSize = 32;
    private readonly Libc.signalfd_siginfo[] _batch = new Libc.signalfd_siginfo[BatchSize];

    private SignalSource(int fd) => Fd = fd;

    public int Fd { get; private set; }

    /// <returns>The source, or null and the errno.</returns>
    public static SignalSource? Open(ulong handledSignals, out Errno error)
    {
        int fd = Libc.signalfd(-1, Libc.sigset_t.FromBits(handledSignals), Libc.SFD_NONBLOCK | Libc.SFD_CLOEXEC);
        error = fd < 0 ? Errors.Last() : 0;
        return fd < 0 ? null : new SignalSource(fd);
    }

    /// <summary>Whether the last batch filled the buffer, so that more signals may be waiting.</summary>
    public bool LastBatchWasFull { get; private set; }

    /// <summary>Reads the pending signals, a batch at a time; an empty span when none is left.</summary>
    public ReadOnlySpan<Libc.signalfd_siginfo> ReadBatch()
    {
        fixed (Libc.signalfd_siginfo* buffer = _batch)
        {
            while (true)
            {
                nint n = Libc.read(Fd, buffer, (nuint)(BatchSize * sizeof(Libc.signalfd_siginfo)));
                if (n > 0)
                {
                    int count = (int)n / sizeof(Libc.signalfd_siginfo);
                    LastBatchWasFull = count == BatchSize;
                    return _batch.AsSpan(0, count);
                }

                LastBatchWasFull = false;
                if (n < 0 && Errors.Last() == Errno.EINTR)
                    continue;
                return [];
            }
        }
    }

    public void Dispose()
    {
        if (Fd >= 0)
        {
            Libc.close(Fd);
            Fd = -1;
        }
    }
}
