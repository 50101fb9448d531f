using System;
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Output;
using TinyInit.Text;

namespace TinyInit.Events;

/// <summary>
/// Overview: --events PATH or --events fd:N, one JSON object per line for every spawn, forwarded
/// signal, exit, timeout and restart, then a final <c>shutdown</c> line.
///
/// The stream is a subscriber of the fan-out like any other, written on the loop's thread at the
/// end of every turn through an <see cref="OutputTarget"/>, so it never blocks. The rules that make
/// it exact (docs/design.md, "The event stream"):
/// - A line is either wholly in the stream or counted in <c>dropped</c>: events wait in the
///   subscription's ring (which drops and counts the oldest when full); a line taken from the ring
///   is written whole before the next one, a short write keeping the rest for the next turn, so no
///   line is ever torn and the shutdown line is never glued to another.
/// - A regular file always takes what is written, and a turn publishes at most a reaping pass and
///   a signal batch, far below the ring's room: a file never drops.
/// - Into a pipe, lines go in batches of at most half a page (under PIPE_BUF, so each write is all
///   or nothing) while the pipe is at most half full; a pipe keeps its data in page slots, so this
///   keeps a slot free for the shutdown line even when nobody ever reads the pipe.
/// - A datagram or seqpacket socket gets one line per message.
/// - At exit the rest and the shutdown line are written with a bounded wait, for every kind of target.
/// </summary>
internal sealed class EventStream : ITurnWork, IDisposable
{
    private const int SubscriberCapacity = 1024;
    private const int PageSize = 4096;

    /// <summary>Half a page: see the overview.</summary>
    private const int BatchLimit = PageSize / 2;

    private readonly OutputTarget _target;
    private readonly EventFanout<InitEvent> _fanout;
    private readonly Subscription<InitEvent> _subscription;
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly Utf8JsonWriter _json;
    private byte[] _pending = new byte[BatchLimit * 2];
    private int _pendingStart;
    private int _pendingEnd;
    private long _droppedHere;
    private bool _broken;

    private EventStream(OutputTarget target, EventFanout<InitEvent> fanout)
    {
        _target = target;
        _fanout = fanout;
        _json = new Utf8JsonWriter(_line);
        _subscription = fanout.Subscribe(SubscriberCapacity);
    }

    /// <summary>
    /// Opens PATH (created if missing, appended to; a FIFO without a reader fails at once) or takes
    /// over fd:N, which becomes tinyinit's own: the child does not inherit it.
    /// </summary>
    /// <returns>The stream, or null and a one-line error.</returns>
    public static EventStream? Open(string target, EventFanout<InitEvent> fanout, out string? error)
    {
        error = null;
        OutputTarget? output;
        if (target.StartsWith("fd:", StringComparison.Ordinal))
        {
            if (!int.TryParse(target.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || fd < 3)
            {
                error = $"--events {EchoText.Quote(target)}: expected fd:N with N of 3 or more";
                return null;
            }

            // Anything else is tinyinit's own (its signalfd, epoll) or the runtime's.
            Sys.tinyinit_get_startup(out Sys.tinyinit_startup startup);
            if (!startup.WasOpenAtStart(fd))
            {
                error = $"--events {EchoText.Quote(target)}: fd {fd} was not open when tinyinit started";
                return null;
            }

            int flags = Tmds.Linux.LibC.fcntl(fd, Sys.F_GETFL, 0);
            if (flags < 0 || (flags & 3) == Sys.O_RDONLY)
            {
                error = $"--events {EchoText.Quote(target)}: {(flags < 0 ? Errors.Describe(Errors.Last()) : "not open for writing")}";
                return null;
            }

            output = OutputTarget.Adopt(fd, takeOver: true);
        }
        else
        {
            output = OutputTarget.Open(target, out Errno openError);
            if (output is null)
            {
                // open(2): ENXIO for O_WRONLY|O_NONBLOCK on a FIFO that no process has open for reading.
                error = $"--events {EchoText.Quote(target)}: {(openError == Errno.ENXIO ? "no process has the FIFO open for reading (start the reader first), or it is a socket" : Errors.Describe(openError))}";
                return null;
            }
        }

        return new EventStream(output, fanout);
    }

    /// <summary>Watches the target for room (EPOLLOUT, edge-triggered), so lines held back go out when the reader reads.</summary>
    public void Attach(EventLoop loop)
    {
        if (_target.Kind != OutputKind.File)
            loop.Watch(_target.Fd, Sys.EPOLLOUT | Sys.EPOLLET, _ => Flush(atExit: false));
    }

    long ITurnWork.NextDeadline => Deadline.None;

    bool ITurnWork.HasPendingWork => false;

    /// <summary>At the end of every turn: write what the target takes now.</summary>
    void ITurnWork.OnTurn(long now) => Flush(atExit: false);

    /// <summary>Writes what is left, then the shutdown line, waiting for room until <paramref name="deadline"/> at most.</summary>
    public void WriteShutdown(int exitCode, long nowNanoseconds, long deadline)
    {
        // A pipe or socket that polls writable may still have no room by the rule above: never wait on one.
        while (!Flush(atExit: true) && _target.Kind is not (OutputKind.Pipe or OutputKind.Socket) && _target.WaitForRoom(deadline))
        {
        }

        _fanout.Unsubscribe(_subscription);
        while (_subscription.TryRead(out _))
            _droppedHere++;

        // Lines the reader did not take in time are not in the stream (one may be there in part).
        bool stuck = !Pending.IsEmpty;
        _droppedHere += Pending.Count((byte)'\n');
        long dropped = _subscription.Dropped + _droppedHere;
        if (!_broken && !stuck)
        {
            Serialize(new EventRecord { Event = "shutdown", TimeNs = nowNanoseconds, ExitCode = exitCode, Dropped = dropped });
            Append(_line.WrittenSpan);
            while (!WritePending() && _target.WaitForRoom(deadline))
            {
            }

            stuck = !Pending.IsEmpty;
        }

        if (stuck)
            Log.Warn("event stream: its reader did not take the shutdown line in time");
        if (dropped > 0)
            Log.Warn($"event stream: {dropped} events dropped because its reader did not keep up");
    }

    private Span<byte> Pending => _pending.AsSpan(_pendingStart, _pendingEnd - _pendingStart);

    /// <returns>Whether everything queued has been written.</returns>
    private bool Flush(bool atExit)
    {
        while (!_broken && WritePending())
        {
            if (!FillBatch(atExit))
                return _subscription.Count == 0;
        }

        return _broken;
    }

    /// <summary>Moves the next lines from the ring into the pending batch, as many as the target should take now.</summary>
    /// <returns>Whether any line was moved.</returns>
    private bool FillBatch(bool atExit)
    {
        int limit = _target.KeepsMessageBoundaries ? 1 : int.MaxValue;
        int room = Room(atExit);
        int lines = 0;
        while (lines < limit && _subscription.TryPeek(out InitEvent next))
        {
            Serialize(EventRecord.From(next));
            int size = _pendingEnd + _line.WrittenCount;
            if (lines > 0 && (size > BatchLimit || size > room))
                break;
            if (lines == 0 && size > room)
                return false;
            _subscription.TryRead(out _);
            Append(_line.WrittenSpan);
            lines++;
        }

        return lines > 0;
    }

    /// <summary>
    /// Bytes the target should take now. A pipe up to half full less a page, a socket up to half its
    /// send buffer (see the overview): the rest is kept for the shutdown line, so it arrives even
    /// when nobody reads until the end. At exit, all but that room. Anything else takes what it takes.
    /// </summary>
    private int Room(bool atExit)
    {
        int capacity = _target.Kind switch
        {
            OutputKind.Pipe => _target.PipeCapacity,
            OutputKind.Socket => _target.SendBufferSize,
            _ => 0,
        };
        if (capacity <= 0)
            return int.MaxValue;
        int queued = _target.Unread();
        if (queued < 0)
            return int.MaxValue;
        int reserve = _target.Kind == OutputKind.Pipe ? PageSize : capacity / 8;
        int usable = atExit ? capacity - reserve : capacity / 2 - reserve;
        if (queued == 0)
            return Math.Max(BatchLimit, usable);

        // A socket is charged a buffer's whole allocation (socket(7) SO_SNDBUF: "the kernel doubles
        // this value to allow space for bookkeeping overhead"): about twice what a small write holds.
        int room = usable - queued;
        return Math.Max(0, _target.Kind == OutputKind.Socket ? room / 2 : room);
    }

    /// <returns>Whether the pending batch is now wholly written.</returns>
    private bool WritePending()
    {
        while (!Pending.IsEmpty)
        {
            nint n = _target.WriteSome(Pending);
            if (n < 0)
            {
                Errno error = Errors.Last();
                if (error == Errno.EAGAIN)
                    return false;

                // EPIPE (no reader left) or worse: what is not wholly written is dropped, counted.
                Log.Warn($"event stream: write failed ({Errors.Describe(error)}); no more events are written");
                _broken = true;
                _droppedHere += Pending.Count((byte)'\n');
                _pendingStart = _pendingEnd = 0;
                return true;
            }

            _pendingStart += (int)n;
        }

        _pendingStart = _pendingEnd = 0;
        return true;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_pendingEnd + bytes.Length > _pending.Length)
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingEnd + bytes.Length));
        bytes.CopyTo(_pending.AsSpan(_pendingEnd));
        _pendingEnd += bytes.Length;
    }

    private void Serialize(EventRecord record)
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        record.WriteTo(_json);
        _json.Flush();
        _line.Write("\n"u8);
    }

    public void Dispose()
    {
        _json.Dispose();
        _target.Dispose();
    }
}
