using System;
using TinyInit.Spawning;
using TinyInit.Children;
using TinyInit.Loop;

namespace TinyInit.Services;

/// <summary>The state of one supervised service across its runs.</summary>
internal sealed class ServiceRuntime : IDisposable
{
    public ServiceRuntime(ServiceDefinition definition, RestartBackoff backoff)
    {
        Definition = definition;
        Backoff = backoff;
        Argv = new NativeArgv(definition.ShellArgv());
    }

    public ServiceDefinition Definition { get; }

    public string Name => Definition.Name;

    public RestartBackoff Backoff { get; }

    /// <summary>/bin/sh -c COMMAND, built once for every run.</summary>
    public NativeArgv Argv { get; }

    /// <summary>The running process, or null between runs.</summary>
    public TrackedChild? Child { get; set; }

    /// <summary>When the current run started (Stopwatch timestamp).</summary>
    public long StartedAt { get; set; }

    /// <summary>When to start it again, or <see cref="Deadline.None"/>.</summary>
    public long RestartAt { get; set; } = Deadline.None;

    /// <summary>When to SIGKILL it if it has not exited since SIGTERM, or <see cref="Deadline.None"/>.</summary>
    public long KillAt { get; set; } = Deadline.None;

    /// <summary>It was stopped because it was not ready in time (--ready-timeout): its exit is a failure.</summary>
    public bool NotReadyInTime { get; set; }

    /// <summary>How many times it was started (the first run included).</summary>
    public int Runs { get; set; }

    /// <summary>How its last run ended, or null before the first exit.</summary>
    public Reaping.ExitStatus? LastExit { get; set; }

    /// <summary>When it last started or ended (Stopwatch timestamp): "since when" in its status.</summary>
    public long ChangedAt { get; set; }

    /// <summary>Stopped by 'tinyinit ctl stop': it is not started again until 'ctl start'.</summary>
    public bool HeldStopped { get; set; }

    /// <summary>'tinyinit ctl restart' stopped it: it is started again, at once, when it exits.</summary>
    public bool StartWhenStopped { get; set; }

    /// <summary>How long the current stop gives it before SIGKILL: the kill timeout, or less within the grace.</summary>
    public TimeSpan StopTimeout { get; set; }

    public void Dispose()
    {
        Child?.Dispose();
        Argv.Dispose();
    }
}
