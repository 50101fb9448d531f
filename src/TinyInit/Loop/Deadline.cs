using System;
using System.Diagnostics;

namespace TinyInit.Loop;

/// <summary>
/// Deadlines as Stopwatch timestamps (CLOCK_MONOTONIC), the only kind of waiting the event loop
/// does: it sleeps in epoll_wait until the earliest one.
/// </summary>
internal static class Deadline
{
    /// <summary>No deadline: later than any other.</summary>
    public const long None = long.MaxValue;

    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>The deadline that falls <paramref name="delay"/> from now.</summary>
    public static long In(TimeSpan delay) => Now + (long)(delay.TotalSeconds * Stopwatch.Frequency);

    /// <summary>epoll_wait's timeout for a deadline: -1 for none, rounded up so it never wakes early.</summary>
    public static int TimeoutMilliseconds(long deadline)
    {
        if (deadline == None)
            return -1;
        long remaining = deadline - Now;
        if (remaining <= 0)
            return 0;
        long ms = (remaining * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
        return (int)Math.Min(ms, int.MaxValue);
    }
}
