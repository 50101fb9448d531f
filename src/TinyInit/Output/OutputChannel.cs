using System;
using System.Collections.Generic;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Loop;

namespace TinyInit.Output;

/// <summary>
/// Overview: tinyinit's own stdout or stderr, written from the loop without ever blocking it
/// (docs/design.md, "Nothing the loop writes can block it").
///
/// Lines go out at once while the fd takes them; what it does not take (EAGAIN, a short write)
/// waits in a bounded queue, in order, and goes out when epoll reports room (EPOLLOUT,
/// edge-triggered: each read by the reader wakes the loop once). EAGAIN never loses a line. Above
/// <see cref="HighWater"/> the channel is backed up: the service pipes that feed it stop being read
/// (so a service blocks on its own write, and nothing is lost), and tinyinit's own log lines are
/// dropped, counted, and the count is logged once the queue has drained. A write error that will
/// not pass (ENOSPC on /dev/full, EPIPE, EBADF) is logged once; from then on what is written here
/// is discarded, so the services that write through it are never blocked by it.
/// </summary>
internal sealed class OutputChannel : ILogSink, IDisposable
{
    /// <summary>Above this many queued bytes the channel is backed up.</summary>
    public const int HighWater = 64 * 1024;

    /// <summary>Bytes beyond which nothing more is queued: only reached by tagged output of one read past <see cref="HighWater"/>.</summary>
    private const int HardLimit = 1024 * 1024;

    private readonly OutputTarget _target;
    private readonly List<Action> _onResume = [];
    private byte[] _queue = new byte[4096];
    private int _start;
    private int _end;
    private bool _broken;
    private long _droppedLogLines;
    private bool _wasBackedUp;

    private OutputChannel(string name, OutputTarget target)
    {
        Name = name;
        _target = target;
    }

    /// <summary>"stdout" or "stderr", for messages.</summary>
    public string Name { get; }

    /// <summary>The inherited fd this channel writes for (1 or 2); children still get this one.</summary>
    public int InheritedFd { get; private init; }

    public int Queued => _end - _start;

    /// <summary>Whether producers that can wait (service pipes) should stop until <see cref="OnResume"/>.</summary>
    public bool IsBackedUp => Queued >= HighWater;

    /// <summary>Wraps tinyinit's inherited fd (1 or 2) without changing it for the children.</summary>
    public static OutputChannel Open(int fd, string name) =>
        new(name, OutputTarget.Adopt(fd, takeOver: false)) { InheritedFd = fd };

    /// <summary>Watches the fd for room; a regular file needs no watching (epoll says EPERM: it always has room).</summary>
    public void Attach(EventLoop loop)
    {
        Errno error = loop.Watch(_target.Fd, Sys.EPOLLOUT | Sys.EPOLLET, _ => Flush());
        if (error != 0 && error != Errno.EPERM)
            Log.Debug($"{Name}: epoll_ctl: {Errors.Describe(error)}");
    }

    /// <summary>Calls <paramref name="resume"/> whenever the channel stops being backed up.</summary>
    public void OnResume(Action resume) => _onResume.Add(resume);

    public void StopResuming(Action resume) => _onResume.Remove(resume);

    /// <summary>Writes a whole line (or chunk) now or queues it; never blocks.</summary>
    /// <param name="bytes">The bytes, ending in '\n'.</param>
    /// <param name="droppable">A log line: dropped (and counted) rather than queued while backed up.</param>
    public void Write(ReadOnlySpan<byte> bytes, bool droppable)
    {
        if (_broken)
            return;
        if (droppable && (IsBackedUp || Queued + bytes.Length > HardLimit))
        {
            _droppedLogLines++;
            return;
        }

        if (Queued == 0)
        {
            nint n = _target.WriteSome(bytes);
            if (n < 0 && !Failed(Errors.Last()))
                n = 0;
            if (n < 0)
                return;
            bytes = bytes[(int)n..];
        }

        if (bytes.IsEmpty)
            return;
        if (Queued + bytes.Length > HardLimit)
        {
            _droppedLogLines++;
            return;
        }

        Append(bytes);
        _wasBackedUp |= IsBackedUp;
    }

    /// <summary>tinyinit's own log line: dropped (and counted) while the channel is backed up.</summary>
    public void WriteLogLine(ReadOnlySpan<byte> line) => Write(line, droppable: true);

    /// <summary>Writes what the fd takes now; called when epoll reports room.</summary>
    public void Flush()
    {
        while (Queued > 0 && !_broken)
        {
            nint n = _target.WriteSome(_queue.AsSpan(_start, Queued));
            if (n < 0)
            {
                Failed(Errors.Last());
                break;
            }

            _start += (int)n;
        }

        if (Queued == 0)
            _start = _end = 0;
        if (_wasBackedUp && !IsBackedUp)
        {
            _wasBackedUp = false;
            foreach (Action resume in _onResume.ToArray())
                resume();
        }

        if (_droppedLogLines > 0 && Queued == 0)
        {
            long dropped = _droppedLogLines;
            _droppedLogLines = 0;
            Log.Warn($"{dropped} log lines were dropped while {Name} was not being read");
        }
    }

    /// <summary>At exit: waits up to the deadline for the queue to go out.</summary>
    /// <returns>The bytes that could not be written.</returns>
    public int FlushBefore(long deadline)
    {
        Flush();
        while (Queued > 0 && !_broken && _target.WaitForRoom(deadline))
            Flush();
        return _broken ? 0 : Queued;
    }

    /// <returns>Whether the error is one that will not pass (it is then logged once and the channel discards from now on).</returns>
    private bool Failed(Errno error)
    {
        if (error == Errno.EAGAIN)
            return false;
        _broken = true;
        _start = _end = 0;
        if (InheritedFd != 2)
            Log.Warn($"writing to {Name} failed ({Errors.Describe(error)}): what is written to it is discarded from now on");
        foreach (Action resume in _onResume.ToArray())
            resume();
        return true;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_end + bytes.Length > _queue.Length)
        {
            int queued = Queued;
            byte[] target = queued + bytes.Length > _queue.Length ? new byte[Math.Max(_queue.Length * 2, queued + bytes.Length)] : _queue;
            Buffer.BlockCopy(_queue, _start, target, 0, queued);
            _queue = target;
            _start = 0;
            _end = queued;
        }

        bytes.CopyTo(_queue.AsSpan(_end));
        _end += bytes.Length;
    }

    public void Dispose() => _target.Dispose();
}
