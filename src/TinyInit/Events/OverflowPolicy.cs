namespace TinyInit.Events;

/// <summary>
/// What <see cref="EventFanout{T}"/> does with an event when a subscriber's channel is full.
/// There is deliberately no "block until there is room": the publisher is the reaper's event
/// loop, and containerd's reaper, which waited on slow subscribers (1 ms per send, up to 1 s per
/// exit), lost exits and stalled for years. Every choice here drops, and counts what it drops.
/// </summary>
internal enum OverflowPolicy
{
    /// <summary>
    /// The oldest event in the channel is dropped to make room for the new one and counted in
    /// <see cref="Subscription{T}.Dropped"/>. For subscribers that want the latest state and can
    /// afford gaps, such as a status view.
    /// </summary>
    DropOldest,

    /// <summary>
    /// The event waits in a small per-subscriber overflow queue, behind any event already
    /// waiting, until the channel has room or the subscriber's deadline passes; then it is
    /// dropped and counted. The overflow queue is bounded too: when it is full, the oldest
    /// waiting event is dropped and counted. The publisher never waits. For subscribers that
    /// want every event and read in bursts, such as an event log written to a pipe.
    /// </summary>
    WaitThenDrop,
}
