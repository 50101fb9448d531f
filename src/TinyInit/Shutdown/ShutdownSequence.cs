using System;
using System.Diagnostics;
using TinyInit.Loop;

namespace TinyInit.Shutdown;

/// <summary>
/// Overview: the decisions of the stop, SIGTERM → grace → SIGKILL, as a state machine with no
/// side effect, so that it is unit-tested without processes or clocks; the caller performs each
/// <see cref="ShutdownStep"/> (docs/design.md, "Shutdown").
///
/// Once the main child has exited (or, services only, a terminating signal came), what is left
/// gets SIGTERM and up to the grace period to exit while it is reaped, then SIGKILL. A process can
/// fork between a sweep and the next, and its child is reparented to tinyinit once the parent
/// dies, so SIGKILL is sent again every <see cref="SweepInterval"/>, until nothing is left or
/// <see cref="KillWaitLimit"/> has passed: a process in uninterruptible sleep, or one tinyinit may
/// not kill (EPERM), would otherwise hold tinyinit forever. Every peer exits at once instead, and
/// the kernel SIGKILLs the rest of the namespace with no chance to clean up (or, on a host, the
/// rest leaks).
/// </summary>
internal sealed class ShutdownSequence
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan KillWaitLimit = TimeSpan.FromSeconds(5);

    private enum Phase { NotStarted, Grace, Killing, Over }

    private readonly long _graceTicks;
    private Phase _phase;
    private long _graceEnd = Deadline.None;
    private long _giveUpAt = Deadline.None;
    private long _nextSweep = Deadline.None;

    /// <param name="grace">--grace; zero goes straight to SIGKILL.</param>
    public ShutdownSequence(TimeSpan grace) => _graceTicks = ToTicks(grace);

    /// <summary>When the grace period ends (Stopwatch timestamp); <see cref="Deadline.None"/> before <see cref="Begin"/>.</summary>
    public long GraceEnd => _graceEnd;

    /// <summary>Whether the grace period was cut short by SIGKILL being due: for the log line that says so.</summary>
    public bool GraceRanOut { get; private set; }

    public bool IsOver => _phase == Phase.Over;

    /// <summary>The next time <see cref="Advance"/> has something to decide.</summary>
    public long NextDeadline => _phase switch
    {
        Phase.Grace => _graceEnd,
        Phase.Killing => Math.Min(_nextSweep, _giveUpAt),
        _ => Deadline.None,
    };

    /// <summary>Starts the stop at <paramref name="now"/>.</summary>
    /// <param name="remaining">Whether anything is left to stop.</param>
    public ShutdownStep Begin(long now, bool remaining)
    {
        _graceEnd = now + _graceTicks;
        if (!remaining)
            return Finish(ShutdownStep.Done);
        if (_graceTicks > 0)
        {
            _phase = Phase.Grace;
            return ShutdownStep.TermAll;
        }

        return StartKilling(now);
    }

    /// <summary>Decides the step at <paramref name="now"/>, given whether anything is left.</summary>
    public ShutdownStep Advance(long now, bool remaining)
    {
        if (_phase is Phase.NotStarted or Phase.Over)
            return _phase == Phase.Over ? ShutdownStep.Done : ShutdownStep.Wait;
        if (!remaining)
            return Finish(ShutdownStep.Done);
        if (_phase == Phase.Grace)
        {
            if (now < _graceEnd)
                return ShutdownStep.Wait;
            GraceRanOut = true;
            return StartKilling(now);
        }

        if (now >= _giveUpAt)
            return Finish(ShutdownStep.GiveUp);
        if (now < _nextSweep)
            return ShutdownStep.Wait;
        _nextSweep = now + ToTicks(SweepInterval);
        return ShutdownStep.KillAll;
    }

    private ShutdownStep StartKilling(long now)
    {
        _phase = Phase.Killing;
        _giveUpAt = now + ToTicks(KillWaitLimit);
        _nextSweep = now + ToTicks(SweepInterval);
        return ShutdownStep.KillAll;
    }

    private ShutdownStep Finish(ShutdownStep step)
    {
        _phase = Phase.Over;
        return step;
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
