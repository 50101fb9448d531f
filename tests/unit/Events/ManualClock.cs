using System.Diagnostics;

namespace TinyInit.UnitTests.Events;

/// <summary>A Stopwatch-timestamp clock that only moves when a test moves it, so deadlines need no sleeping.</summary>
internal sealed class ManualClock
{
    public long Now { get; private set; } = 1_000;

    public long Read() => Now;

    public void Advance(TimeSpan by) => Now += Ticks(by);

    /// <summary>The length of <paramref name="span"/> in Stopwatch ticks, as the fan-out converts it.</summary>
    public static long Ticks(TimeSpan span) => (long)((Int128)span.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);
}
