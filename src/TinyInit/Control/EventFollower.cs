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
/// between the last line sent and the next. Nothing else grows: the ring is bounded, a batch is
/// built in a buffer shared by every client (<see cref="EventLines.Batch"/>) and only what the
/// socket did not take of it is kept here, at most one batch.
///
/// The socket is filled only up to 7/8 of its send buffer (SIOCOUTQ against SO_SNDBUF): the last
/// eighth is kept for the shutdown line, which then arrives even if the reader was stopped until
/// the end. Below a quarter full the kernel reports room (unix_writable), so every wake-up for
/// room can send something and waiting for room never spins.
/// </summary>
internal sealed class EventFollower
{
    /// <summary>
    /// Lines per send, in bytes: a reaping pass (256 exits) in one send(2), so a client following a
    /// storm of exits is woken once per turn, not once per few lines.
    /// </summary>
    public const int BatchLimit = 64 * 1024;

    private readonly OutputTarget _target;
    private readonly EventLines _lines;
    private readonly Subscription<InitEvent> _subscription;
    private byte[] _pending = [];
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
            if (!FillBatch(out ReadOnlySpan<byte> batch))
                return _subscription.Count == 0 && _unreported == 0;
            if (!Send(batch))
                return false;
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
                return Failed();
            _pendingStart += (int)n;
        }

        _pendingStart = _pendingEnd = 0;
        return true;
    }

    /// <summary>Sends a batch from the shared buffer; what the socket does not take is kept, to go first next time.</summary>
    /// <returns>Whether all of it was sent (or never can be).</returns>
    private bool Send(ReadOnlySpan<byte> batch)
    {
        while (!batch.IsEmpty)
        {
            nint n = _target.WriteSome(batch);
            if (n < 0)
            {
                if (Failed())
                    return true;
                Append(batch);
                return false;
            }

            batch = batch[(int)n..];
        }

        return true;
    }

    /// <returns>False for EAGAIN (no room now); true when the client has gone (EPIPE, ECONNRESET): what it did not get is lost with it.</returns>
    private bool Failed()
    {
        if (Errors.Last() == Errno.EAGAIN)
            return false;
        IsBroken = true;
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

    /// <summary>Moves the next lines (a loss first, if there was one) into the shared batch, as many as the socket should take now.</summary>
    /// <returns>Whether any line was moved.</returns>
    private bool FillBatch(out ReadOnlySpan<byte> batch)
    {
        batch = default;
        _unreported += _subscription.TakeDropped();
        if (_unreported == 0 && _subscription.Count == 0)
            return false;

        int room = Room();
        int lines = 0;
        Span<byte> buffer = _lines.Batch;
        int length = 0;
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

            int size = length + line.Length;
            if (size > room || size > buffer.Length)
                break;
            if (loss)
                _unreported = 0;
            else
                _subscription.TryRead(out _);
            line.CopyTo(buffer[length..]);
            length = size;
            lines++;
        }

        batch = buffer[..length];
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
            byte[] target = pending + bytes.Length > _pending.Length ? new byte[Math.Max(_pending.Length * 2, pending + bytes.Length + 256)] : _pending;
            Buffer.BlockCopy(_pending, _pendingStart, target, 0, pending);
            _pending = target;
            _pendingStart = 0;
            _pendingEnd = pending;
        }

        bytes.CopyTo(_pending.AsSpan(_pendingEnd));
        _pendingEnd += bytes.Length;
    }
}
