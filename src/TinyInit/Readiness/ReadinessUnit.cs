using System;
using System.Collections.Generic;
using TinyInit.Events;
using TinyInit.Loop;

namespace TinyInit.Readiness;

/// <summary>The readiness of one service, or of the main command, across its runs.</summary>
internal sealed class ReadinessUnit : IDisposable
{
    /// <param name="name">The service's name, or <see cref="DependencyGraph.Main"/>.</param>
    /// <param name="isMain">Whether this is the main command.</param>
    /// <param name="mode">How it says it is ready; null: once it is spawned.</param>
    /// <param name="dependencies">What it waits for before it may start (--after).</param>
    /// <param name="check">For check:COMMAND, the tries.</param>
    public ReadinessUnit(string name, bool isMain, ReadinessMode? mode, IReadOnlyList<string> dependencies, ReadinessCheck? check)
    {
        Name = name;
        IsMain = isMain;
        Mode = mode;
        Dependencies = dependencies;
        Check = check;
    }

    public string Name { get; }

    public bool IsMain { get; }

    public ReadinessMode? Mode { get; }

    public IReadOnlyList<string> Dependencies { get; }

    public ReadinessCheck? Check { get; }

    /// <summary>For logs: <c>service 'db'</c> or <c>the main command</c>.</summary>
    public string Description => IsMain ? "the main command" : $"service '{Name}'";

    public ChildRole Role => IsMain ? ChildRole.Main : ChildRole.Service;

    /// <summary>The current run's pid; 0 between runs.</summary>
    public int Pid { get; set; }

    /// <summary>When the current run was spawned (Stopwatch timestamp).</summary>
    public long SpawnedAt { get; set; }

    /// <summary>Whether the current run has said it is ready.</summary>
    public bool IsReady { get; set; }

    /// <summary>Whether any run has been ready (without a main command, READY=1 goes upward once every service has been).</summary>
    public bool WasEverReady { get; set; }

    /// <summary>It was due to start but waits for its dependencies.</summary>
    public bool IsHeld { get; set; }

    /// <summary>--ready-timeout for the current run, or <see cref="Deadline.None"/>.</summary>
    public long TimeoutAt { get; set; } = Deadline.None;

    /// <summary>For fd:N, the current run's pipe.</summary>
    public ReadinessPipe? Pipe { get; set; }

    /// <summary>The last STATUS= it sent (sd_notify), kept for status reports and logged when it changes.</summary>
    public string? Status { get; set; }

    /// <summary>Stops watching for readiness in this run: the pipe is closed and no check is tried any more.</summary>
    public void StopWatching()
    {
        TimeoutAt = Deadline.None;
        Pipe?.Dispose();
        Pipe = null;
        Check?.End();
    }

    public void Dispose()
    {
        Pipe?.Dispose();
        Check?.Dispose();
    }
}
