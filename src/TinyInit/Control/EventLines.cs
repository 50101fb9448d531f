using System;
using System.Collections.Generic;
using TinyInit.Events;

namespace TinyInit.Control;

/// <summary>
/// The control clients' side of the event fan-out: their subscriptions, and their lines, the same
/// JSON as --events (<see cref="EventRecord.From"/>, <see cref="EventJsonContext"/>).
///
/// Every client reads the same events in the same order, so each event is serialized once and its
/// line reused: with 50 clients following, a reaping pass costs one serialization per exit, not 50.
/// The cache is keyed by the event's value (equal events make equal lines, so a hit is always
/// right) and is emptied when it is full or when the last client leaves, so it stays bounded.
/// </summary>
internal sealed class EventLines : IDisposable
{
    /// <summary>Events a client's ring holds: a reaping pass (256 exits) and a signal batch, with room to spare.</summary>
    public const int SubscriberCapacity = 1024;

    private const int CacheLimit = 4096;

    private readonly EventFanout<InitEvent> _fanout;
    private readonly Dictionary<InitEvent, byte[]> _cache = [];
    private readonly JsonLines _json = new();
    private int _subscribers;

    public EventLines(EventFanout<InitEvent> fanout) => _fanout = fanout;

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
            _cache.Clear();
    }

    /// <summary>The line of one event, with its newline.</summary>
    public ReadOnlySpan<byte> For(scoped in InitEvent e)
    {
        if (_cache.TryGetValue(e, out byte[]? line))
            return line;
        if (_cache.Count >= CacheLimit)
            _cache.Clear();
        line = Serialize(EventRecord.From(e)).ToArray();
        _cache.Add(e, line);
        return line;
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
        _json.Add(record, EventJsonContext.Default.EventRecord);
        return _json.Written;
    }

    public void Dispose() => _json.Dispose();
}
