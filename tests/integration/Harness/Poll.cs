using System;
using System.Diagnostics;
using System.Threading;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>Waits for a condition in short steps up to a deadline: tests never sleep a fixed time.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    public static bool Until(Func<bool> condition, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan limit = deadline ?? DefaultDeadline;
        while (!condition())
        {
            if (clock.Elapsed > limit)
                return false;
            Thread.Sleep(20);
        }

        return true;
    }
}
