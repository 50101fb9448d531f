using System;
using System.Diagnostics;
using System.Threading;

namespace TinyInit.Events;

/// <summary>
/// Overview: hands every published event to every subscriber, each through its own bounded
/// channel, without the publisher ever waiting for a subscriber.
///
/// Constraints: the publisher is tinyinit's one event-loop thread, which also reaps. containerd's
/// reaper tried each of its 32-slot subscriber channels with a 1 ms send timeout and waited up to
/// 1 s per exit; that cost years of lost exits and slow execs. Here a full channel is never waited
/// on: the subscriber's <see cref="OverflowPolicy"/> decides what is dropped, and every drop is
/// counted in <see cref="Subscription{T}.Dropped"/>. Publishing starts no thread and queues no
/// work of its own. Waking a reader that awaits its channel does schedule that reader's
/// continuation (on the thread pool, or the reader's SynchronizationContext): the channels are
/// made without AllowSynchronousContinuations, so a reader's code never runs on the loop thread.
///
/// Threads: <see cref="Publish"/>, <see cref="Pump"/>, <see cref="NextDeadline"/> and
/// <see cref="Complete"/> belong to the one publishing thread. <see cref="Subscribe"/> and
/// <see cref="Unsubscribe"/> may be called from any thread at any time; the subscriber list is
/// copy-on-write, so a publish walks a snapshot without a lock. Readers read on any thread.
///
/// Guarantees, per subscriber: events arrive in publish order; an event published after
/// <see cref="Subscribe"/> returned is delivered unless its drop is counted.
///
/// The loop's duty: under <see cref="OverflowPolicy.WaitThenDrop"/> a waiting event moves into its
/// channel only when something calls <see cref="Publish"/> or <see cref="Pump"/>. The loop must
/// call <see cref="Pump"/> when <see cref="NextDeadline"/> comes (an epoll_wait timeout), or
/// waiting events stay there and their deadlines never drop them.
/// </summary>
internal sealed class EventFanout<T>
{
    private readonly Func<long> _clock;
    private readonly Lock _membership = new();
    private Subscription<T>[] _subscribers = [];
    private bool _completed;

    /// <param name="clock">
    /// Returns the current <see cref="Stopwatch"/> timestamp; it stamps the deadline of each event
    /// that starts waiting. Injectable so that tests need no sleeping. Defaults to <see cref="Stopwatch.GetTimestamp"/>.
    /// </param>
    public EventFanout(Func<long>? clock = null) => _clock = clock ?? Stopwatch.GetTimestamp;

    /// <summary>
    /// The earliest Stopwatch timestamp at which a waiting event expires, or null when nothing
    /// waits. The loop turns it into its epoll_wait timeout and calls <see cref="Pump"/> then.
    /// </summary>
    public long? NextDeadline
    {
        get
        {
            long earliest = Subscription<T>.NoDeadline;
            foreach (Subscription<T> subscriber in Volatile.Read(ref _subscribers))
                earliest = Math.Min(earliest, subscriber.PendingDeadline);
            return earliest == Subscription<T>.NoDeadline ? null : earliest;
        }
    }

    /// <summary>How many subscribers events are currently published to.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Adds a subscriber; it sees every event published after this returns. Any thread.</summary>
    /// <param name="capacity">How many events its channel holds before <paramref name="policy"/> applies; at least 1.</param>
    /// <param name="policy">What happens to events while the channel is full.</param>
    /// <param name="waitDeadline">
    /// How long an event may wait for room: required and positive for <see cref="OverflowPolicy.WaitThenDrop"/>,
    /// and must be left at zero for <see cref="OverflowPolicy.DropOldest"/>, which never waits.
    /// </param>
    /// <returns>The subscription; its reader is already completed if the fan-out has been completed.</returns>
    public Subscription<T> Subscribe(int capacity, OverflowPolicy policy, TimeSpan waitDeadline = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (policy == OverflowPolicy.WaitThenDrop)
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(waitDeadline, TimeSpan.Zero);
        else if (policy == OverflowPolicy.DropOldest)
            ArgumentOutOfRangeException.ThrowIfNotEqual(waitDeadline, TimeSpan.Zero);
        else
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown overflow policy");

        var subscription = new Subscription<T>(this, capacity, policy, waitDeadline);
        lock (_membership)
        {
            if (!_completed)
            {
                _subscribers = [.. _subscribers, subscription];
                return subscription;
            }
        }

        subscription.Close();
        return subscription;
    }

    /// <summary>
    /// Stops publishing to a subscriber and completes its reader, which still yields what its
    /// channel holds; events still waiting in its overflow queue are moved in if they fit, else
    /// counted as dropped. Idempotent. Any thread, also while <see cref="Publish"/> runs: a publish
    /// already walking the old list finds the subscription closed and skips it.
    /// </summary>
    public void Unsubscribe(Subscription<T> subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (subscription.Owner != this)
            throw new ArgumentException("the subscription belongs to another fan-out", nameof(subscription));

        lock (_membership)
        {
            int index = Array.IndexOf(_subscribers, subscription);
            if (index >= 0)
                _subscribers = [.. _subscribers.AsSpan(0, index), .. _subscribers.AsSpan(index + 1)];
        }

        subscription.Close();
    }

    /// <summary>
    /// Hands the event to every subscriber, in subscription order, without waiting for any:
    /// O(subscribers), and no allocation beyond what a channel or overflow queue grows into.
    /// Publishing thread only. Ignored after <see cref="Complete"/>.
    /// </summary>
    public void Publish(T item)
    {
        foreach (Subscription<T> subscriber in Volatile.Read(ref _subscribers))
            subscriber.Offer(item, _clock);
    }

    /// <summary>
    /// Moves waiting events into channels that have room, in order, then drops (and counts) those
    /// whose deadline is at or before <paramref name="nowTimestamp"/>. An event that fits is
    /// delivered, even late, rather than dropped. Publishing thread only.
    /// </summary>
    /// <param name="nowTimestamp">The current Stopwatch timestamp, from the same clock as the fan-out's.</param>
    public void Pump(long nowTimestamp)
    {
        foreach (Subscription<T> subscriber in Volatile.Read(ref _subscribers))
            subscriber.Pump(nowTimestamp);
    }

    /// <summary>
    /// Ends the stream: every subscriber gets what still fits in its channel, the rest is counted
    /// as dropped, and every reader completes once drained. Later publishes are ignored and later
    /// subscriptions come back completed. Publishing thread only; idempotent.
    /// </summary>
    public void Complete()
    {
        Subscription<T>[] subscribers;
        lock (_membership)
        {
            _completed = true;
            subscribers = _subscribers;
            _subscribers = [];
        }

        foreach (Subscription<T> subscriber in subscribers)
            subscriber.Close();
    }
}
