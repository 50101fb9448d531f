using System;
using System.Diagnostics;

namespace TinyInit.Events;

/// <summary>
/// The bounded FIFO where a <see cref="OverflowPolicy.WaitThenDrop"/> subscriber's events wait
/// for room in its channel, each with the timestamp after which it is dropped. Deadlines are
/// stamped from a monotonic clock plus one fixed wait, so they never decrease from head to tail:
/// the head always expires first, and expiry only ever removes from the head.
/// The ring starts small and doubles up to its limit, so a subscriber that keeps up never pays
/// for the overflow room it was promised. Not thread-safe: its subscription's lock guards it.
/// </summary>
internal sealed class OverflowQueue<T>
{
    private const int InitialSize = 4;

    private readonly int _limit;
    private Entry[] _ring = [];
    private int _head;

    public OverflowQueue(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
    }

    public int Count { get; private set; }

    public bool IsFull => Count == _limit;

    /// <summary>The deadline of the event that has waited longest. The queue must not be empty.</summary>
    public long HeadDeadline
    {
        get
        {
            Debug.Assert(Count > 0);
            return _ring[_head].Deadline;
        }
    }

    /// <summary>The event that has waited longest. The queue must not be empty.</summary>
    public T Head
    {
        get
        {
            Debug.Assert(Count > 0);
            return _ring[_head].Item;
        }
    }

    /// <summary>Adds an event behind all waiting ones. The queue must not be full.</summary>
    public void Enqueue(T item, long deadline)
    {
        Debug.Assert(!IsFull);
        if (Count == _ring.Length)
            Grow();
        _ring[(_head + Count) % _ring.Length] = new Entry(item, deadline);
        Count++;
    }

    /// <summary>Removes the event that has waited longest. The queue must not be empty.</summary>
    public void RemoveHead()
    {
        Debug.Assert(Count > 0);
        // Clear the slot so a dropped event holds no references (its Command string, say).
        _ring[_head] = default;
        _head = (_head + 1) % _ring.Length;
        Count--;
    }

    public void Clear()
    {
        while (Count > 0)
            RemoveHead();
    }

    private void Grow()
    {
        var larger = new Entry[Math.Min(Math.Max(InitialSize, _ring.Length * 2), _limit)];
        for (int i = 0; i < Count; i++)
            larger[i] = _ring[(_head + i) % _ring.Length];
        _ring = larger;
        _head = 0;
    }

    private record struct Entry(T Item, long Deadline);
}
