using System;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Output;

namespace TinyInit.Control;

/// <summary>
/// Overview: one 'tinyinit ctl events' client, a subscriber of the fan-out with a ring of its own,
/// written at the end of every turn and whenever its socket has room, never blocking the loop
/// (docs/design.md, "The control socket").
///
/// What it guarantees its reader, like the --events stream: a line is either wholly sent or counted
/// as lost; lines taken from the ring are sent whole before the next one (a short send keeps the
/// rest for later), so none is torn. What the reader loses while it does not keep up (its ring
/// drops the oldest) is replaced by one <c>{"event":"dropped","count":N}</c> line, written where
/// the gap is: <see cref="Subscription{T}.TakeDropped"/> before each read counts exactly the events
/// between the last line sent and the next. Nothing else grows: the ring is bounded and the
/// pending batch holds at most one batch of lines.
///
/// The socket is filled only up to 7/8 of its send buffer (SIOCOUTQ against SO_SNDBUF): the last
/// eighth is kept for the shutdown line, which then arrives even if the reader was stopped until
/// the end. Below a quarter full the kernel reports room (unix_writable), so every wake-up for
/// room can send something and waiting for room never spins.
/// </summary>
internal sealed class EventFollower
{
    private const int BatchLimit = 8192;

    private readonly OutputTarget _target;
    private readonly EventLines _lines;
    private readonly Subscription<InitEvent> _subscription;
    private byte[] _pending = new byte[BatchLimit * 2];
    private int _pendingStart;
    private int _pendingEnd;
    private long _unreported;
    private long _lostHere;
    private bool _subscribed = true;

    /// <param name="target">The client's socket.</param>
    /// <param name="lines">The subscriptions and the lines.</param>
    /// <param name="first">Sent before any event: the answer to the request.</param>
    public EventFollower(OutputTarget target, EventLines lines, ReadOnlySpan<byte> first)
    {
        _target = target;
        _lines = lines;
        _subscription = lines.Subscribe();
        Append(first);
    }

    /// <summary>The client's socket.</summary>
    public int Fd => _target.Fd;

    /// <summary>Set when a send failed for good (the client has gone): the connection is closed.</summary>
    public bool IsBroken { get; private set; }

    private Span<byte> Pending => _pending.AsSpan(_pendingStart, _pendingEnd - _pendingStart);

    /// <summary>Sends what the socket takes now.</summary>
    /// <returns>Whether everything queued (the pending lines, the ring, an unreported loss) is sent.</returns>
    public bool Flush()
    {
        while (!IsBroken && WritePending())
        {
            if (!FillBatch())
                return _subscription.Count == 0 && _unreported == 0;
        }

        return IsBroken;
    }

    /// <summary>
    /// At exit, once <see cref="Flush"/> has sent what it could in time: the rest of the ring is
    /// counted as lost, and the shutdown line, with everything this client lost, is queued.
    /// </summary>
    public void QueueShutdown(int exitCode, long nowNanoseconds)
    {
        Unsubscribe();
        while (_subscription.TryRead(out _))
            _lostHere++;
        if (!IsBroken)
            Append(_lines.Shutdown(exitCode, nowNanoseconds, _subscription.Dropped + _lostHere));
    }

    /// <returns>Whether the pending lines are wholly sent (or can never be).</returns>
    public bool WritePending()
    {
        while (!Pending.IsEmpty)
        {
            nint n = _target.WriteSome(Pending);
            if (n < 0)
            {
                Errno error = Errors.Last();
                if (error == Errno.EAGAIN)
                    return false;

                // EPIPE, ECONNRESET: the client has gone. What it did not get is lost with it.
                IsBroken = true;
                _pendingStart = _pendingEnd = 0;
                return true;
            }

            _pendingStart += (int)n;
        }

        _pendingStart = _pendingEnd = 0;
        return true;
    }

    /// <summary>Stops the events for this client; idempotent.</summary>
    public void Unsubscribe()
    {
        if (_subscribed)
            _lines.Unsubscribe(_subscription);
        _subscribed = false;
    }

    /// <summary>Moves the next lines (a loss first, if there was one) into the pending batch, as many as the socket should take now.</summary>
    /// <returns>Whether any line was moved.</returns>
    private bool FillBatch()
    {
        int room = Room();
        int lines = 0;
        _unreported += _subscription.TakeDropped();
        while (true)
        {
            bool loss = _unreported > 0;
            ReadOnlySpan<byte> line;
            if (loss)
                line = _lines.Dropped(_unreported);
            else if (_subscription.TryPeek(out InitEvent next))
                line = _lines.For(next);
            else
                break;

            int size = _pendingEnd + line.Length;
            if (size > room || (lines > 0 && size > BatchLimit))
                break;
            if (loss)
                _unreported = 0;
            else
                _subscription.TryRead(out _);
            Append(line);
            lines++;
        }

        return lines > 0;
    }

    /// <summary>Bytes the socket should take now: up to 7/8 of its send buffer (see the overview).</summary>
    private int Room()
    {
        int capacity = _target.SendBufferSize;
        int queued = _target.Unread();
        if (capacity <= 0 || queued < 0)
            return int.MaxValue;
        int usable = capacity - capacity / 8;
        return queued == 0 ? Math.Max(BatchLimit, usable) : Math.Max(0, usable - queued);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_pendingEnd + bytes.Length > _pending.Length)
        {
            int pending = _pendingEnd - _pendingStart;
            byte[] target = pending + bytes.Length > _pending.Length ? new byte[Math.Max(_pending.Length * 2, pending + bytes.Length)] : _pending;
            Buffer.BlockCopy(_pending, _pendingStart, target, 0, pending);
            _pending = target;
            _pendingStart = 0;
            _pendingEnd = pending;
        }

        bytes.CopyTo(_pending.AsSpan(_pendingEnd));
        _pendingEnd += bytes.Length;
    }
}
