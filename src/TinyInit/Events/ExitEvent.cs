using System;
using System.Diagnostics;

namespace TinyInit.Events;

/// <summary>
/// One process that tinyinit reaped, as handed to subscribers and waiters. A value type, so
/// that publishing an exit to many subscribers copies it into their channels and allocates
/// nothing per subscriber.
/// </summary>
/// <param name="Pid">The process id. Taken while the zombie still holds it, so it was not reused yet.</param>
/// <param name="ExitCode">The exit code when the process exited, else 0.</param>
/// <param name="Signal">The signal that killed the process, or 0 when it exited normally.</param>
/// <param name="CoreDumped">Whether the process dumped core.</param>
/// <param name="Command">The command name where tinyinit knows it (children it spawned); null for orphans.</param>
/// <param name="Role">Why tinyinit reaped it.</param>
/// <param name="MonotonicNanoseconds">
/// When it was reaped, on CLOCK_MONOTONIC in nanoseconds: comparable across events and immune to
/// wall-clock changes. A parameter rather than read here, so that tests are deterministic; take
/// it from <see cref="NanosecondsFromTimestamp"/>(<see cref="Stopwatch.GetTimestamp"/>).
/// </param>
internal readonly record struct ExitEvent(
    int Pid,
    int ExitCode,
    int Signal,
    bool CoreDumped,
    string? Command,
    ChildRole Role,
    long MonotonicNanoseconds)
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Whether this is the main child, whose exit ends tinyinit.</summary>
    public bool IsMain => Role == ChildRole.Main;

    /// <summary>The shell's convention, as tini and dumb-init report it: the exit code, or 128+N when signal N killed it.</summary>
    public int ToExitCode() => Status.ToExitCode();

    /// <summary>The exit as the reaper saw it.</summary>
    public Reaping.ExitStatus Status => new(ExitCode, Signal, CoreDumped);

    /// <summary>
    /// Converts a <see cref="Stopwatch"/> timestamp to nanoseconds. On Linux the runtime reads
    /// Stopwatch from clock_gettime(CLOCK_MONOTONIC) at a frequency of 1 GHz, so this is the
    /// identity there, and the value matches what other processes read from that clock.
    /// </summary>
    public static long NanosecondsFromTimestamp(long stopwatchTimestamp) => Stopwatch.Frequency == NanosecondsPerSecond
        ? stopwatchTimestamp
        : (long)((Int128)stopwatchTimestamp * NanosecondsPerSecond / Stopwatch.Frequency);
}
