using System;
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using TinyInit.Cli;
using TinyInit.Diagnostics;
using TinyInit.Interop;

namespace TinyInit.Events;

/// <summary>
/// Overview: --events PATH or --events fd:N, one JSON object per line for every spawn, forwarded
/// signal, exit, timeout and restart, then a final <c>shutdown</c> line.
///
/// Constraints: the stream is a subscriber of the event fan-out like any other, and it is written
/// on the loop's thread, so it must never block: a reader that stops reading must not delay
/// reaping or forwarding. So a pipe, FIFO or terminal is written through a non-blocking open file
/// description of tinyinit's own (fd:N is reopened through /proc/self/fd, with its access mode,
/// so the O_NONBLOCK does not leak to whoever shares N), a socket with send(MSG_DONTWAIT); a
/// regular file is written as it is.
///
/// Lines are written in batches of whole lines no larger than half a page. A pipe holds its data
/// in page slots, and a write that does not fit in the last slot takes a new one, so its byte
/// count (F_GETPIPE_SZ, FIONREAD) says little about room; but with writes that small, every slot
/// left behind holds more than half a page. Events are written while the pipe is at most half full
/// less a page (and always into an empty pipe, however small), which keeps a slot free for the
/// shutdown line, which says how many events were dropped, even when nobody ever reads the pipe. What does not fit stays in the subscription's
/// bounded channel, whose DropOldest policy drops and counts what overflows.
/// </summary>
internal sealed unsafe class EventStream : IDisposable
{
    private const int SubscriberCapacity = 1024;

    private const int PageSize = 4096;

    /// <summary>Half a page: see the overview. Also under PIPE_BUF, so each write reaches a pipe whole or not at all.</summary>
    private const int BatchLimit = PageSize / 2;

    private enum SinkKind { File, Pipe, Socket, Other }

    private readonly int _fd;
    private readonly SinkKind _kind;
    private readonly int _pipeCapacity;
    private readonly EventFanout<InitEvent> _fanout;
    private readonly Subscription<InitEvent> _subscription;
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly ArrayBufferWriter<byte> _batch = new(BatchLimit * 2);
    private readonly Utf8JsonWriter _json;
    private int _batchEvents;
    private long _droppedHere;
    private bool _broken;

    private EventStream(int fd, EventFanout<InitEvent> fanout)
    {
        _fd = fd;
        _fanout = fanout;
        _pipeCapacity = Libc.fcntl(fd, Libc.F_GETPIPE_SZ, 0);
        _kind = _pipeCapacity > 0 ? SinkKind.Pipe
            : Libc.lseek(fd, 0, Libc.SEEK_CUR) >= 0 ? SinkKind.File
            : IsSocket(fd) ? SinkKind.Socket
            : SinkKind.Other;
        _json = new Utf8JsonWriter(_line);
        _subscription = fanout.Subscribe(SubscriberCapacity, OverflowPolicy.DropOldest);
    }

    /// <summary>
    /// Opens PATH (created if missing, appended to; a FIFO without a reader fails at once) or takes
    /// over fd:N, which becomes tinyinit's own: the child does not inherit it.
    /// </summary>
    /// <returns>The stream, or null and a one-line error.</returns>
    public static EventStream? Open(string target, EventFanout<InitEvent> fanout, out string? error)
    {
        error = null;
        int fd;
        if (target.StartsWith("fd:", StringComparison.Ordinal))
        {
            if (!int.TryParse(target.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out fd) || fd < 3)
            {
                error = $"--events '{target}': expected fd:N with N of 3 or more";
                return null;
            }

            // Anything else is tinyinit's own (its signalfd, epoll) or the runtime's.
            Libc.tinyinit_get_startup(out Libc.tinyinit_startup startup);
            if (!startup.WasOpenAtStart(fd))
            {
                error = $"--events '{target}': fd {fd} was not open when tinyinit started";
                return null;
            }

            int flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
            if (flags < 0 || (flags & 3) == Libc.O_RDONLY)
            {
                error = $"--events '{target}': {(flags < 0 ? Errors.Describe(Errors.Last()) : "not open for writing")}";
                return null;
            }

            fd = TakeOver(fd, flags);
        }
        else
        {
            fd = Libc.open(target, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0x1A4);
            if (fd < 0)
            {
                error = $"--events '{target}': {Errors.Describe(Errors.Last())}";
                return null;
            }
        }

        return new EventStream(fd, fanout);
    }

    /// <summary>
    /// Anything but a regular file or a socket gets a non-blocking description of tinyinit's own,
    /// reopened through /proc with the same access mode (a FIFO passed read-write stays read-write,
    /// so it keeps a reader), since setting O_NONBLOCK on the inherited one would change it for
    /// every process that shares it; the inherited fd is then closed. A socket is written with
    /// send(MSG_DONTWAIT) and a file as it is: both are kept, close-on-exec.
    /// </summary>
    private static int TakeOver(int fd, int flags)
    {
        if (Libc.lseek(fd, 0, Libc.SEEK_CUR) < 0 && !IsSocket(fd))
        {
            int reopened = Libc.open($"/proc/self/fd/{fd}", (flags & 3) | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
            if (reopened >= 0)
            {
                Libc.close(fd);
                return reopened;
            }

            Log.Debug($"reopening fd {fd} through /proc failed ({Errors.Describe(Errors.Last())}): setting O_NONBLOCK on it");
            Libc.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK);
        }

        Libc.fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
        return fd;
    }

    /// <summary>Whether fd is a socket: send(2) with nothing to send says ENOTSOCK for anything else.</summary>
    private static bool IsSocket(int fd) => Libc.send(fd, null, 0, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL) >= 0 || Errors.Last() != Errno.ENOTSOCK;

    /// <summary>
    /// The fd to watch for room (EPOLLOUT, edge-triggered: each read by the reader wakes the loop
    /// once, so events held back for want of room go out without waiting for the next event), or
    /// -1 for a regular file, which always has room.
    /// </summary>
    public int WritableFd => _kind == SinkKind.File ? -1 : _fd;

    /// <summary>Writes the events that fit now; called by the loop after each wake-up.</summary>
    public void Flush() => WriteWhatFits(PageSize);

    /// <summary>Writes what still fits, counts the rest as dropped, and ends with the shutdown line.</summary>
    public void WriteShutdown(int exitCode, long nowNanoseconds)
    {
        WriteWhatFits(PageSize);
        while (_subscription.Reader.TryRead(out _))
            _droppedHere++;
        _fanout.Unsubscribe(_subscription);
        long dropped = _subscription.Dropped + _droppedHere;

        Serialize(new EventRecord { Event = "shutdown", TimeNs = nowNanoseconds, ExitCode = exitCode, Dropped = dropped });
        if (!_broken)
            WriteOut(_line.WrittenSpan);
        if (dropped > 0)
            Log.Warn($"event stream: {dropped} events dropped because its reader did not keep up");
    }

    private void WriteWhatFits(int reserve)
    {
        while (!_broken && _subscription.Reader.TryPeek(out InitEvent next))
        {
            Serialize(ToRecord(next));
            if (_batch.WrittenCount + _line.WrittenCount > BatchLimit)
                WriteBatch();
            if (_batch.WrittenCount + _line.WrittenCount > Room(reserve))
                break;
            _subscription.Reader.TryRead(out _);
            _batch.Write(_line.WrittenSpan);
            _batchEvents++;
        }

        WriteBatch();
    }

    /// <summary>Bytes that may be written now: in a pipe, up to half of it less the reserve (see the overview).</summary>
    private int Room(int reserve)
    {
        switch (_kind)
        {
            case SinkKind.File:
                return int.MaxValue;
            case SinkKind.Pipe:
                int queued;
                if (Libc.ioctl(_fd, Libc.FIONREAD, &queued) < 0)
                    return 0;
                return queued == 0 ? Math.Max(BatchLimit, _pipeCapacity / 2 - reserve) : Math.Max(0, _pipeCapacity / 2 - reserve - queued);
            default:
                // Non-blocking (see TakeOver): a full socket or terminal says EAGAIN, counted as a drop.
                return BatchLimit;
        }
    }

    private void WriteBatch()
    {
        if (_batch.WrittenCount == 0)
            return;
        if (!WriteOut(_batch.WrittenSpan))
            _droppedHere += _batchEvents;
        _batch.ResetWrittenCount();
        _batchEvents = 0;
    }

    /// <returns>Whether all of bytes was written.</returns>
    private bool WriteOut(ReadOnlySpan<byte> bytes)
    {
        if (Log.WriteAll(_fd, bytes, _kind == SinkKind.Socket ? Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL : -1))
            return true;
        Errno error = Errors.Last();
        if (error != Errno.EAGAIN)
        {
            // EPIPE (no reader left) or worse: stop writing; what follows is counted as dropped.
            Log.Warn($"event stream: write failed ({Errors.Describe(error)}); no more events are written");
            _broken = true;
        }

        return false;
    }

    private void Serialize(EventRecord record)
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        EventJsonContext.Default.EventRecord.SerializeHandler!(_json, record);
        _json.Flush();
        _line.Write("\n"u8);
    }

    private static EventRecord ToRecord(in InitEvent e) => e.Kind switch
    {
        InitEventKind.Spawn => new EventRecord
        {
            Event = "spawn", TimeNs = e.MonotonicNanoseconds, Pid = e.Pid, Role = RoleName(e.Role),
            Command = e.Role == ChildRole.Service ? null : e.Name, Service = e.Role == ChildRole.Service ? e.Name : null,
        },
        InitEventKind.Signal => new EventRecord
        {
            Event = "signal", TimeNs = e.MonotonicNanoseconds, Pid = e.Pid == 0 ? null : e.Pid,
            Signal = SignalNames.Name((int)e.Signal), Forwarded = e.Forwarded == 0 ? "none" : SignalNames.Name(e.Forwarded),
        },
        InitEventKind.Exit => new EventRecord
        {
            Event = "exit", TimeNs = e.MonotonicNanoseconds, Pid = e.Exit.Pid, Role = RoleName(e.Exit.Role),
            Command = e.Exit.Role == ChildRole.Service ? null : e.Exit.Command,
            Service = e.Exit.Role == ChildRole.Service ? e.Exit.Command : null,
            ExitCode = e.Exit.ToExitCode(), Signal = e.Exit.Signal != 0 ? SignalNames.Name(e.Exit.Signal) : null,
            CoreDumped = e.Exit.CoreDumped,
        },
        InitEventKind.Timeout => new EventRecord
        {
            Event = "timeout", TimeNs = e.MonotonicNanoseconds, Pid = e.Pid, Command = e.Name, DelayMs = e.Signal,
        },
        _ => new EventRecord
        {
            Event = "restart", TimeNs = e.MonotonicNanoseconds, Service = e.Name, DelayMs = e.Signal,
        },
    };

    private static string RoleName(ChildRole role) => role switch
    {
        ChildRole.Main => "main",
        ChildRole.Service => "service",
        _ => "orphan",
    };

    public void Dispose()
    {
        _json.Dispose();
        Libc.close(_fd);
    }
}
