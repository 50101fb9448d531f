using System;

namespace TinyInit.Events;

/// <summary>
/// Overview: hands every published event to every subscriber, each through its own bounded
/// ring, without the publisher ever waiting for one (docs/design.md, "The fan-out").
///
/// The publisher is the loop thread, which also reaps. containerd's reaper tried each of its
/// 32-slot subscriber channels with a 1 ms send timeout and waited up to 1 s per exit; that cost
/// years of lost exits and slow execs. Here a full ring drops its oldest event and counts it, in
/// O(1), so a publish costs O(subscribers) whatever the subscribers do. Every subscriber (the
/// event stream, later the control socket's clients) lives on the loop thread too and reads
/// its ring in its turn; nothing here is shared with another thread.
///
/// Guarantees, per subscriber: events arrive in publish order; an event published after
/// <see cref="Subscribe"/> returned is either read or counted in <see cref="Subscription{T}.Dropped"/>.
/// </summary>
internal sealed class EventFanout<T>
{
    private Subscription<T>[] _subscribers = [];
    private bool _completed;

    /// <summary>How many subscribers events are published to.</summary>
    public int SubscriberCount => _subscribers.Length;

    /// <summary>Adds a subscriber with room for <paramref name="capacity"/> unread events; it sees every event published after this returns.</summary>
    /// <returns>The subscription; already closed if the fan-out has completed.</returns>
    public Subscription<T> Subscribe(int capacity)
    {
        var subscription = new Subscription<T>(this, capacity);
        if (_completed)
            subscription.Close();
        else
            _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    /// <summary>Stops publishing to a subscriber; what it holds can still be read. Idempotent; allowed while publishing.</summary>
    public void Unsubscribe(Subscription<T> subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (subscription.Owner != this)
            throw new ArgumentException("the subscription belongs to another fan-out", nameof(subscription));
        int index = Array.IndexOf(_subscribers, subscription);
        if (index >= 0)
            _subscribers = [.. _subscribers.AsSpan(0, index), .. _subscribers.AsSpan(index + 1)];
        subscription.Close();
    }

    /// <summary>Hands the event to every subscriber, in subscription order, without waiting for any. Ignored after <see cref="Complete"/>.</summary>
    public void Publish(T item)
    {
        // The array is replaced, never changed, by (un)subscribing: a publish walks a snapshot.
        foreach (Subscription<T> subscriber in _subscribers)
            subscriber.Offer(item);
    }

    /// <summary>Ends the stream: every subscription closes; later subscriptions come back closed. Idempotent.</summary>
    public void Complete()
    {
        _completed = true;
        foreach (Subscription<T> subscriber in _subscribers)
            subscriber.Close();
        _subscribers = [];
    }
}
