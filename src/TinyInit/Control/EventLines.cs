using System;
using System.Collections.Generic;
using TinyInit.Events;

namespace TinyInit.Control;

/// <summary>
/// The control clients' side of the event fan-out: their subscriptions, and their lines, the same
/// JSON as --events (<see cref="EventRecord.From"/>, <see cref="EventRecord.WriteTo"/>).
///
/// Every client reads the same events in the same order, so each event is serialized once and its
/// line reused: with 50 clients following, a reaping pass costs one serialization per exit, not 50.
/// The cache is keyed by the event's value (equal events make equal lines, so a hit is always
/// right). It is a ring of <see cref="CacheSlots"/> slots whose buffers are reused, the oldest
/// first: a steady stream of events allocates nothing here but the short-lived record each new line
/// is made from, so the memory stays flat however many events go by.
/// </summary>
internal sealed class EventLines : IDisposable
{
    /// <summary>Events a client's ring holds: a reaping pass (256 exits) and a signal batch, with room to spare.</summary>
    public const int SubscriberCapacity = 1024;

    /// <summary>Lines kept: more than a ring holds, so a client that falls behind by a whole ring still hits.</summary>
    private const int CacheSlots = 2048;

    private readonly EventFanout<InitEvent> _fanout;
    private readonly Dictionary<InitEvent, int> _cache = new(CacheSlots, new EventComparer());
    private readonly Slot[] _slots = new Slot[CacheSlots];
    private readonly byte[] _batch = new byte[EventFollower.BatchLimit];
    private readonly JsonLines _json = new();
    private int _nextSlot;
    private int _subscribers;

    public EventLines(EventFanout<InitEvent> fanout) => _fanout = fanout;

    /// <summary>
    /// Where a client's next batch of lines is put together before it is sent: one buffer for all,
    /// since they are served one after the other on the loop's thread.
    /// </summary>
    public Span<byte> Batch => _batch;

    public Subscription<InitEvent> Subscribe()
    {
        _subscribers++;
        return _fanout.Subscribe(SubscriberCapacity);
    }

    /// <summary>Ends a subscription from <see cref="Subscribe"/>; call once for each.</summary>
    public void Unsubscribe(Subscription<InitEvent> subscription)
    {
        _fanout.Unsubscribe(subscription);
        if (--_subscribers == 0)
        {
            // Nobody follows: the events the lines refer to (and their names) need not stay alive.
            _cache.Clear();
            Array.Clear(_slots);
            _nextSlot = 0;
        }
    }

    /// <summary>The line of one event, with its newline.</summary>
    public ReadOnlySpan<byte> For(scoped in InitEvent e)
    {
        if (_cache.TryGetValue(e, out int index))
            return _slots[index].Line;

        ref Slot slot = ref _slots[_nextSlot];
        if (slot.Bytes is not null)
            _cache.Remove(slot.Event);
        ReadOnlySpan<byte> line = Serialize(EventRecord.From(e));
        if (slot.Bytes is null || slot.Bytes.Length < line.Length)
            slot.Bytes = new byte[Math.Max(256, line.Length)];
        line.CopyTo(slot.Bytes);
        slot.Length = line.Length;
        slot.Event = e;
        _cache.Add(e, _nextSlot);
        _nextSlot = (_nextSlot + 1) % CacheSlots;
        return slot.Line;
    }

    /// <summary>The line that stands for <paramref name="count"/> events a client lost at this place in its stream.</summary>
    public ReadOnlySpan<byte> Dropped(long count) =>
        Serialize(new EventRecord { Event = "dropped", TimeNs = EventPublisher.Now(), Count = count });

    /// <summary>A client's last line, as the --events stream's: tinyinit's exit code and everything this client lost.</summary>
    public ReadOnlySpan<byte> Shutdown(int exitCode, long nowNanoseconds, long dropped) =>
        Serialize(new EventRecord { Event = "shutdown", TimeNs = nowNanoseconds, ExitCode = exitCode, Dropped = dropped });

    /// <returns>The line, valid until the next call.</returns>
    private ReadOnlySpan<byte> Serialize(EventRecord record)
    {
        _json.Clear();
        _json.Add(record);
        return _json.Written;
    }

    public void Dispose() => _json.Dispose();

    /// <summary>One cached line and the event it was made from.</summary>
    private struct Slot
    {
        public InitEvent Event;
        public byte[]? Bytes;
        public int Length;

        public readonly ReadOnlySpan<byte> Line => Bytes.AsSpan(0, Length);
    }

    /// <summary>Hashes what tells events apart cheaply (kind, time, pid) and compares them whole.</summary>
    private sealed class EventComparer : IEqualityComparer<InitEvent>
    {
        public bool Equals(InitEvent x, InitEvent y) => x.Equals(y);

        public int GetHashCode(InitEvent e) => HashCode.Combine(e.Kind, e.MonotonicNanoseconds, e.Pid);
    }
}
