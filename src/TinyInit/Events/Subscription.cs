using System;

namespace TinyInit.Events;

/// <summary>
/// One subscriber of an <see cref="EventFanout{T}"/>: a bounded ring of the events it has not
/// read yet, and the exact count of what it lost. When the ring is full the oldest event is
/// dropped and counted, so the publisher never waits; a subscriber that can tell "no exits" from
/// "exits I missed" can resynchronise, which containerd's subscribers could not.
/// Loop thread only, like the fan-out.
/// </summary>
internal sealed class Subscription<T>
{
    private readonly T[] _ring;
    private int _head;
    private long _reportedDropped;

    internal Subscription(EventFanout<T> owner, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Owner = owner;
        _ring = new T[capacity];
    }

    /// <summary>How many events the ring holds before the oldest is dropped.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Events waiting to be read.</summary>
    public int Count { get; private set; }

    /// <summary>Events published while subscribed that were dropped, oldest first, because the ring was full. Exact.</summary>
    public long Dropped { get; private set; }

    /// <summary>
    /// The events dropped since the last call, for a reader that reports its losses in the stream
    /// it writes (a control client's <c>dropped</c> line). Called before each <see cref="TryRead"/>,
    /// it is exact in place too: what it counts was published after everything read so far and
    /// before everything still in the ring, because only the oldest event is ever dropped.
    /// </summary>
    public long TakeDropped()
    {
        long dropped = Dropped - _reportedDropped;
        _reportedDropped = Dropped;
        return dropped;
    }

    /// <summary>Set once unsubscribed or the fan-out completed: nothing more arrives, what is queued can still be read.</summary>
    public bool IsClosed { get; private set; }

    internal EventFanout<T> Owner { get; }

    /// <summary>The oldest unread event, left in place.</summary>
    public bool TryPeek(out T item)
    {
        item = Count > 0 ? _ring[_head] : default!;
        return Count > 0;
    }

    /// <summary>Takes the oldest unread event.</summary>
    public bool TryRead(out T item)
    {
        if (!TryPeek(out item))
            return false;
        _ring[_head] = default!;
        _head = (_head + 1) % _ring.Length;
        Count--;
        return true;
    }

    /// <summary>Queues one event; when full, drops and counts the oldest. Never waits.</summary>
    internal void Offer(T item)
    {
        if (IsClosed)
            return;
        if (Count == _ring.Length)
        {
            _head = (_head + 1) % _ring.Length;
            Count--;
            Dropped++;
        }

        _ring[(_head + Count) % _ring.Length] = item;
        Count++;
    }

    internal void Close() => IsClosed = true;
}
