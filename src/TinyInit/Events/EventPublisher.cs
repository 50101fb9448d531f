using System.Diagnostics;

namespace TinyInit.Events;

/// <summary>
/// Where the parts of tinyinit publish what happens: a thin front for the one
/// <see cref="EventFanout{T}"/>, which builds and stamps nothing while nobody subscribes.
/// </summary>
internal sealed class EventPublisher
{
    public EventFanout<InitEvent> Fanout { get; } = new();

    /// <summary>Whether anyone subscribes: then exits are published before their pid is released.</summary>
    public bool HasSubscribers => Fanout.SubscriberCount > 0;

    /// <summary>CLOCK_MONOTONIC in nanoseconds, the time of every event.</summary>
    public static long Now() => ExitEvent.NanosecondsFromTimestamp(Stopwatch.GetTimestamp());

    public void Publish(in InitEvent e)
    {
        if (HasSubscribers)
            Fanout.Publish(e);
    }
}
