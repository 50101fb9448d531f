using System;
using TinyInit.Reaping;

namespace TinyInit.Services;

/// <summary>
/// Overview: how long to wait before restarting one service, after Twisted's procmon
/// (<c>twisted/runner/procmon.py</c>, <c>ProcessMonitor.connectionLost</c>).
///
/// A service that dies quickly (ran less than <see cref="Threshold"/>) is probably broken by its
/// configuration, and restarting it at once would spin a core and flood the log: each quick death
/// waits the current delay, then the delay grows by <see cref="Factor"/> up to
/// <see cref="MaxRestartDelay"/>. A service that ran at least <see cref="Threshold"/> was healthy
/// and died of something transient: it is restarted at once and its delay goes back to
/// <see cref="MinRestartDelay"/>. procmon's defaults: 1 s, 1 s, 3600 s, factor 2.
///
/// One instance per service, owned by the event loop thread; nothing here reads a clock or
/// sleeps, so the caller measures the run time (with CLOCK_MONOTONIC: wall-clock jumps must not
/// decide whether a service counts as healthy) and arms its own timer.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan DefaultThreshold = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMinRestartDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMaxRestartDelay = TimeSpan.FromSeconds(3600);
    public const double DefaultFactor = 2;

    public RestartBackoff()
        : this(DefaultThreshold, DefaultMinRestartDelay, DefaultMaxRestartDelay, DefaultFactor)
    {
    }

    /// <exception cref="ArgumentOutOfRangeException">A negative threshold, a minimum that is not positive
    /// (the delay would never grow), a maximum below the minimum, or a factor below 1.</exception>
    public RestartBackoff(TimeSpan threshold, TimeSpan minRestartDelay, TimeSpan maxRestartDelay, double factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minRestartDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRestartDelay, minRestartDelay);
        if (!(factor >= 1) || double.IsInfinity(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be a finite number of at least 1.");

        Threshold = threshold;
        MinRestartDelay = minRestartDelay;
        MaxRestartDelay = maxRestartDelay;
        Factor = factor;
        CurrentDelay = minRestartDelay;
    }

    /// <summary>A run at least this long counts as healthy.</summary>
    public TimeSpan Threshold { get; }

    /// <summary>The delay after the first quick death, and after every healthy run.</summary>
    public TimeSpan MinRestartDelay { get; }

    /// <summary>The delay stops growing here, so a broken service is still retried now and then.</summary>
    public TimeSpan MaxRestartDelay { get; }

    /// <summary>How much the delay grows after each quick death.</summary>
    public double Factor { get; }

    /// <summary>The delay the next quick death will get.</summary>
    public TimeSpan CurrentDelay { get; private set; }

    /// <summary>Records that the service ended after running for <paramref name="ranFor"/>.</summary>
    /// <returns>How long to wait before starting it again: 0 after a healthy run, else the current delay.</returns>
    public TimeSpan NextDelay(TimeSpan ranFor)
    {
        if (ranFor >= Threshold)
        {
            CurrentDelay = MinRestartDelay;
            return TimeSpan.Zero;
        }

        return NextDelayAfterFailedStart();
    }

    /// <summary>
    /// Records that the service could not even be started (no /bin/sh, EAGAIN from a pids limit):
    /// always a quick death, whatever the threshold, so a start that keeps failing is retried
    /// after a growing delay, never at once (at threshold 0 that was an endless recursion).
    /// </summary>
    /// <returns>The current delay, at least <see cref="MinRestartDelay"/>.</returns>
    public TimeSpan NextDelayAfterFailedStart()
    {
        TimeSpan delay = CurrentDelay;
        // In ticks as a double: the product may exceed TimeSpan's range before the cap applies.
        double grown = CurrentDelay.Ticks * Factor;
        CurrentDelay = grown >= MaxRestartDelay.Ticks ? MaxRestartDelay : TimeSpan.FromTicks((long)grown);
        return delay;
    }

    /// <summary>Forgets past quick deaths, e.g. when the user restarts the service by hand.</summary>
    public void Reset() => CurrentDelay = MinRestartDelay;

    /// <summary>Whether a service that just ended is started again.</summary>
    /// <param name="policy">The service's policy.</param>
    /// <param name="status">How it ended.</param>
    /// <param name="stoppedByUs">tinyinit stopped it (shutdown, or a service being removed): restarting it
    /// would fight the stop, whatever the policy, so the answer is then always false.</param>
    /// <returns>Always: true. OnFailure: true after an exit code other than 0 or a death by signal. Never: false.</returns>
    public static bool ShouldRestart(RestartPolicy policy, ExitStatus status, bool stoppedByUs)
    {
        if (stoppedByUs)
            return false;
        return policy switch
        {
            RestartPolicy.Always => true,
            RestartPolicy.OnFailure => status.Code != 0 || status.Signal != 0,
            RestartPolicy.Never => false,
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
        };
    }
}
