using System;
using System.Diagnostics;
using System.Threading;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>Waits for a condition in short steps up to a deadline: tests never sleep a fixed time.</summary>
internal static class Poll
{
    /// <summary>
    /// A cap, not a timing: a passing test returns as soon as its condition holds. 30 s, because on
    /// a shared 2-core machine under load 10,000 sequential forks (tinyprobe orphans) took over 20 s.
    /// </summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

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
