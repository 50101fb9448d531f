using System;
using System.Collections.Generic;
using System.Diagnostics;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Spawning;

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

    /// <summary>The spawn request of one run: the environment (with or without NOTIFY_SOCKET) and, for fd:N, the pipe at fd N.</summary>
    /// <param name="request">The request as the supervisor built it.</param>
    /// <param name="environment">The children's environments.</param>
    /// <param name="notifyAddress">NOTIFY_SOCKET for notify mode.</param>
    public SpawnRequest PrepareSpawn(in SpawnRequest request, ChildEnvironment environment, string? notifyAddress)
    {
        unsafe
        {
            SpawnRequest prepared = request with
            {
                Envp = Mode?.Kind == ReadinessKind.Notify ? environment.WithNotifySocket(notifyAddress!) : environment.WithoutNotifySocket,
            };
            if (Mode is not { Kind: ReadinessKind.Fd } mode)
                return prepared;
            Pipe = ReadinessPipe.Open(out Errno error);
            if (Pipe is not null)
                return prepared with { ExtraFd = Pipe.WriteFd, ExtraFdTarget = mode.Fd };
            Log.Error($"{Description}: pipe for fd:{mode.Fd}: {Errors.Describe(error)}; this run cannot say it is ready");
            return prepared;
        }
    }

    /// <summary>A run was spawned as <paramref name="pid"/> (0: the spawn failed): starts watching for its readiness.</summary>
    /// <param name="pid">The run's pid, or 0.</param>
    /// <param name="loop">Where an fd:N pipe is watched.</param>
    /// <param name="timeout">--ready-timeout; it applies to services only (the main command has --timeout).</param>
    /// <param name="ready">What to call once it says it is ready.</param>
    /// <returns>Whether it is ready at once: it has no --ready mode.</returns>
    public bool BeginRun(int pid, EventLoop loop, TimeSpan? timeout, Action ready)
    {
        Pipe?.CloseWriteEnd();
        if (pid == 0)
        {
            StopWatching();
            return false;
        }

        Pid = pid;
        SpawnedAt = Stopwatch.GetTimestamp();
        IsReady = false;
        IsHeld = false;
        if (Mode is null)
            return true;
        if (Pipe is ReadinessPipe pipe && pipe.Attach(loop, ready, PipeClosed) is Errno error and not 0)
        {
            Log.Error($"{Description}: epoll_ctl: {Errors.Describe(error)}; this run cannot say it is ready");
            Pipe = null;
            pipe.Dispose();
        }

        Check?.Begin(SpawnedAt);
        if (!IsMain && timeout is TimeSpan limit)
            TimeoutAt = Deadline.In(limit);
        return false;
    }

    /// <summary>The run has exited: it is not ready any more.</summary>
    public void EndRun()
    {
        StopWatching();
        Pid = 0;
        IsReady = false;
    }

    /// <summary>Stops watching for readiness in this run: the pipe is closed and no check is tried any more.</summary>
    public void StopWatching()
    {
        TimeoutAt = Deadline.None;
        Pipe?.Dispose();
        Pipe = null;
        Check?.End();
    }

    private void PipeClosed()
    {
        Log.Debug($"{Description} closed its fd:{Mode!.Fd} without writing a newline");
        Pipe?.Dispose();
        Pipe = null;
    }

    public void Dispose()
    {
        Pipe?.Dispose();
        Check?.Dispose();
    }
}
