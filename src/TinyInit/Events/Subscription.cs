using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;

namespace TinyInit.Events;

/// <summary>
/// One subscriber of an <see cref="EventFanout{T}"/>: the channel it reads, and the exact count
/// of what it lost. Every loss is counted, because a subscriber that can tell "no exits" from
/// "exits I missed" can resynchronise (from /proc, say); containerd's subscribers could not tell.
///
/// The internal members are the fan-out's side: they run on the publishing thread, except
/// <see cref="Close"/>, which <see cref="EventFanout{T}.Unsubscribe"/> may call from any thread.
/// A lock per subscription orders the two. Only the publisher and that one close ever take it,
/// each for a bounded number of steps (at most the overflow capacity), so a subscriber can never
/// hold the publisher up for longer than that, and a reader never takes it. It also makes
/// <see cref="Dropped"/> final once the close returns: no offer is half done by then (the
/// channel counts an eviction only after it has released its own lock).
/// </summary>
internal sealed class Subscription<T>
{
    /// <summary>The value of <see cref="PendingDeadline"/> when no event is waiting.</summary>
    internal const long NoDeadline = long.MaxValue;

    private readonly Channel<T> _channel;
    private readonly OverflowQueue<T>? _overflow;
    private readonly long _waitTicks;
    private readonly Lock _gate = new();
    private long _dropped;
    private long _pendingDeadline = NoDeadline;
    private bool _closed;

    internal Subscription(EventFanout<T> owner, int capacity, OverflowPolicy policy, TimeSpan waitDeadline)
    {
        Owner = owner;
        Capacity = capacity;
        Policy = policy;
        WaitDeadline = waitDeadline;

        // AllowSynchronousContinuations stays false: a reader's continuation must never run
        // inline on the publishing thread, where it could stall the reaper.
        var options = new BoundedChannelOptions(capacity)
        {
            FullMode = policy == OverflowPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        };
        if (policy == OverflowPolicy.DropOldest)
        {
            // The channel calls this once per event it evicts, so the count is exact.
            _channel = Channel.CreateBounded<T>(options, _ => Interlocked.Increment(ref _dropped));
        }
        else
        {
            // FullMode.Wait only makes WriteAsync wait; TryWrite, the only write used, returns false.
            _channel = Channel.CreateBounded<T>(options);
            _overflow = new OverflowQueue<T>(capacity);
            _waitTicks = ToStopwatchTicks(waitDeadline);
        }
    }

    /// <summary>Where the subscriber reads its events, in publish order. Completes after unsubscribing or completion of the fan-out.</summary>
    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>
    /// How many events published while subscribed will never reach <see cref="Reader"/>: evicted
    /// by <see cref="OverflowPolicy.DropOldest"/>, expired or pushed out of the overflow queue, or
    /// still waiting there when the subscription closed. Exact; safe to read from any thread; final
    /// once <see cref="EventFanout{T}.Unsubscribe"/> or <see cref="EventFanout{T}.Complete"/> has returned.
    /// </summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>How many events the channel holds before the policy applies.</summary>
    public int Capacity { get; }

    /// <summary>What happens to this subscriber's events while its channel is full.</summary>
    public OverflowPolicy Policy { get; }

    /// <summary>How long an event may wait for room under <see cref="OverflowPolicy.WaitThenDrop"/>; zero otherwise.</summary>
    public TimeSpan WaitDeadline { get; }

    /// <summary>
    /// How many events may wait for room under <see cref="OverflowPolicy.WaitThenDrop"/>: as many as
    /// the channel holds, so a subscriber's memory stays within twice what it asked for. Zero otherwise.
    /// </summary>
    public int OverflowCapacity => _overflow is null ? 0 : Capacity;

    internal EventFanout<T> Owner { get; }

    /// <summary>The Stopwatch timestamp when the longest-waiting event expires, or <see cref="NoDeadline"/>.</summary>
    internal long PendingDeadline => Volatile.Read(ref _pendingDeadline);

    /// <summary>Hands one event to this subscriber without ever waiting for it. Publishing thread only.</summary>
    internal void Offer(T item, Func<long> clock)
    {
        lock (_gate)
        {
            if (_closed)
                return;

            if (_overflow is null)
            {
                // DropOldest: always succeeds, counting the event it evicts, if any.
                _channel.Writer.TryWrite(item);
                return;
            }

            // Waiting events go first, and a new event never overtakes them.
            MoveWaitingIntoChannel();
            if (_overflow.Count > 0 || !_channel.Writer.TryWrite(item))
            {
                if (_overflow.IsFull)
                    DropWaitingHead();
                _overflow.Enqueue(item, SaturatingAdd(clock(), _waitTicks));
            }

            UpdatePendingDeadline();
        }
    }

    /// <summary>
    /// Moves waiting events into the channel while it has room, then drops those whose deadline
    /// is at or before <paramref name="now"/>. Moving comes first: an event that fits is delivered
    /// late rather than lost. Publishing thread only.
    /// </summary>
    internal void Pump(long now)
    {
        if (_overflow is null || PendingDeadline == NoDeadline)
            return;

        lock (_gate)
        {
            if (_closed)
                return;
            MoveWaitingIntoChannel();
            while (_overflow.Count > 0 && _overflow.HeadDeadline <= now)
                DropWaitingHead();
            UpdatePendingDeadline();
        }
    }

    /// <summary>
    /// Moves what fits, counts the rest as dropped and completes the reader, which still yields
    /// what its channel holds. Idempotent; safe on any thread, concurrently with the publisher.
    /// </summary>
    internal void Close()
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            if (_overflow is not null)
            {
                MoveWaitingIntoChannel();
                while (_overflow.Count > 0)
                    DropWaitingHead();
                UpdatePendingDeadline();
            }

            _channel.Writer.TryComplete();
        }
    }

    private void MoveWaitingIntoChannel()
    {
        Debug.Assert(_overflow is not null);
        while (_overflow.Count > 0 && _channel.Writer.TryWrite(_overflow.Head))
            _overflow.RemoveHead();
    }

    private void DropWaitingHead()
    {
        _overflow!.RemoveHead();
        Interlocked.Increment(ref _dropped);
    }

    private void UpdatePendingDeadline() =>
        Volatile.Write(ref _pendingDeadline, _overflow!.Count > 0 ? _overflow.HeadDeadline : NoDeadline);

    private static long ToStopwatchTicks(TimeSpan wait)
    {
        Int128 ticks = (Int128)wait.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        return ticks > long.MaxValue ? long.MaxValue : (long)ticks;
    }

    // One below NoDeadline, so that even a wait of TimeSpan.MaxValue still marks an event as waiting.
    private static long SaturatingAdd(long timestamp, long ticks) =>
        timestamp >= long.MaxValue - ticks ? long.MaxValue - 1 : timestamp + ticks;
}
