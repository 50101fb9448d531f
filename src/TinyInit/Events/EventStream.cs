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
/// reaping or forwarding. Before each line it checks that the line fits: a regular file always
/// takes it; a pipe or FIFO takes it while its free space (F_GETPIPE_SZ less FIONREAD) stays above
/// a reserve; anything else when poll(2) says it is writable. What does not fit stays in the
/// subscription's bounded channel, whose DropOldest policy drops and counts what overflows. The
/// reserve keeps room in a pipe for the shutdown line, which says how many events were dropped,
/// even when nobody ever reads the pipe.
/// </summary>
internal sealed unsafe class EventStream : IDisposable
{
    private const int SubscriberCapacity = 1024;

    /// <summary>PIPE_BUF: a write of whole lines up to this size reaches a pipe in one piece.</summary>
    private const int BatchLimit = 4096;

    /// <summary>Pipe space kept free for the shutdown line.</summary>
    private const int ShutdownReserve = 4096;

    private enum SinkKind { File, Pipe, Other }

    private readonly int _fd;
    private readonly bool _ownsFd;
    private readonly SinkKind _kind;
    private readonly int _pipeCapacity;
    private readonly EventFanout<InitEvent> _fanout;
    private readonly Subscription<InitEvent> _subscription;
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly ArrayBufferWriter<byte> _batch = new(BatchLimit * 2);
    private readonly Utf8JsonWriter _json;
    private long _droppedHere;
    private bool _broken;

    private EventStream(int fd, bool ownsFd, EventFanout<InitEvent> fanout)
    {
        _fd = fd;
        _ownsFd = ownsFd;
        _fanout = fanout;
        _pipeCapacity = Libc.fcntl(fd, Libc.F_GETPIPE_SZ, 0);
        _kind = _pipeCapacity > 0 ? SinkKind.Pipe : Libc.lseek(fd, 0, Libc.SEEK_CUR) >= 0 ? SinkKind.File : SinkKind.Other;
        _json = new Utf8JsonWriter(_line);
        _subscription = fanout.Subscribe(SubscriberCapacity, OverflowPolicy.DropOldest);
    }

    /// <summary>Opens PATH (created if missing, appended to) or takes over fd:N (made close-on-exec: it is tinyinit's).</summary>
    /// <returns>The stream, or null and a one-line error.</returns>
    public static EventStream? Open(string target, EventFanout<InitEvent> fanout, out string? error)
    {
        error = null;
        if (target.StartsWith("fd:", StringComparison.Ordinal))
        {
            if (!int.TryParse(target.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || fd < 3)
            {
                error = $"--events '{target}': expected fd:N with N of 3 or more";
                return null;
            }

            if (Libc.fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) < 0)
            {
                error = $"--events '{target}': {Errors.Describe(Errors.Last())}";
                return null;
            }

            return new EventStream(fd, ownsFd: false, fanout);
        }

        // O_NONBLOCK so that a FIFO with no reader fails (ENXIO) instead of hanging start-up.
        int opened = Libc.open(target, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0x1A4);
        if (opened < 0)
        {
            error = $"--events '{target}': {Errors.Describe(Errors.Last())}";
            return null;
        }

        Libc.fcntl(opened, Libc.F_SETFL, Libc.fcntl(opened, Libc.F_GETFL, 0) & ~Libc.O_NONBLOCK);
        return new EventStream(opened, ownsFd: true, fanout);
    }

    /// <summary>Writes the events that fit now; called by the loop after each wake-up.</summary>
    public void Flush() => WriteWhatFits(ShutdownReserve);

    /// <summary>Writes what still fits, counts the rest as dropped, and ends with the shutdown line.</summary>
    public void WriteShutdown(int exitCode, long nowNanoseconds)
    {
        WriteWhatFits(ShutdownReserve);
        while (_subscription.Reader.TryRead(out _))
            _droppedHere++;
        _fanout.Unsubscribe(_subscription);
        long dropped = _subscription.Dropped + _droppedHere;

        Serialize(new EventRecord { Event = "shutdown", TimeNs = nowNanoseconds, ExitCode = exitCode, Dropped = dropped });
        if (!_broken && _line.WrittenCount <= Room(reserve: 0))
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
        }

        WriteBatch();
    }

    /// <summary>Bytes that can be written now without blocking, keeping the reserve free in a pipe.</summary>
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
                return Math.Max(0, _pipeCapacity - queued - reserve);
            default:
                var poll = new Libc.pollfd { fd = _fd, events = Libc.POLLOUT };
                return Libc.poll(&poll, 1, 0) == 1 && (poll.revents & Libc.POLLOUT) != 0 ? BatchLimit : 0;
        }
    }

    private void WriteBatch()
    {
        if (_batch.WrittenCount == 0)
            return;
        WriteOut(_batch.WrittenSpan);
        _batch.ResetWrittenCount();
    }

    private void WriteOut(ReadOnlySpan<byte> bytes)
    {
        if (!Log.WriteAll(_fd, bytes))
        {
            // EPIPE (no reader left) or worse: stop writing; what follows is counted as dropped.
            Log.Warn($"event stream: write failed ({Errors.Describe(Errors.Last())}); no more events are written");
            _broken = true;
        }
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
        if (_ownsFd)
            Libc.close(_fd);
    }
}
