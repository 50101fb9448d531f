using System;
using System.Collections.Generic;
using TinyInit.Diagnostics;
using TinyInit.Readiness;
using TinyInit.Services;

namespace TinyInit.Cli;

/// <summary>Everything the command line and the environment decide, parsed and validated.</summary>
internal sealed class Settings
{
    /// <summary>-s: register as a child subreaper.</summary>
    public bool Subreaper { get; set; }

    /// <summary>-g: run the child in its own process group and signal the whole group.</summary>
    public bool ProcessGroup { get; set; }

    /// <summary>-p: signal tinyinit asks for when its parent dies; 0 for none.</summary>
    public int ParentDeathSignal { get; set; }

    /// <summary>-e: final exit codes mapped to 0.</summary>
    public HashSet<int> RemappedExitCodes { get; } = [];

    /// <summary>-v: log threshold.</summary>
    public LogLevel LogThreshold { get; set; } = LogLevel.Warn;

    /// <summary>-w: warn on each reaped zombie.</summary>
    public bool WarnOnReap { get; set; }

    /// <summary>--grace: how long leftover processes get between SIGTERM and SIGKILL once the main child has exited.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>--no-cleanup: exit as soon as the main child exits and leave the rest (tini's behaviour).</summary>
    public bool NoCleanup { get; set; }

    /// <summary>--kill-after: SIGKILL the main child this long after a terminating signal was forwarded to it.</summary>
    public TimeSpan? KillAfter { get; set; }

    /// <summary>--timeout: stop the main child once it has run this long, and exit 124.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>--rewrite: the signal forwarded for each signal received (0: dropped).</summary>
    public Dictionary<int, int> Rewrites { get; } = [];

    /// <summary>--service NAME=COMMAND values, in order; built into <see cref="Services"/> once all options are read.</summary>
    public List<string> ServiceSpecs { get; } = [];

    /// <summary>--procfile: a Procfile of services.</summary>
    public string? ProcfilePath { get; set; }

    /// <summary>The supervised services (empty: none).</summary>
    public ServiceSet Services { get; } = new();

    /// <summary>--restart: when a service that exited is started again.</summary>
    public RestartPolicy Restart { get; set; } = RestartPolicy.OnFailure;

    /// <summary>--restart-threshold, --min-restart-delay, --max-restart-delay: procmon's backoff constants.</summary>
    public TimeSpan RestartThreshold { get; set; } = RestartBackoff.DefaultThreshold;

    public TimeSpan MinRestartDelay { get; set; } = RestartBackoff.DefaultMinRestartDelay;

    public TimeSpan MaxRestartDelay { get; set; } = RestartBackoff.DefaultMaxRestartDelay;

    /// <summary>--kill-timeout: how long a service gets between SIGTERM and SIGKILL when it is stopped.</summary>
    public TimeSpan ServiceKillTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>--tag-output: prefix each line services write with [NAME].</summary>
    public bool TagOutput { get; set; }

    /// <summary>--restart-signal: the signal that restarts every service, one at a time.</summary>
    public int RestartSignal { get; set; } = Interop.Sys.SIGHUP;

    /// <summary>--essential, TINYINIT_ESSENTIAL: the services whose exit ends the run.</summary>
    public HashSet<string> Essential { get; } = new(StringComparer.Ordinal);

    /// <summary>--ready NAME=MODE values, in order; built into <see cref="Readiness"/> once the services are known.</summary>
    public List<string> ReadySpecs { get; } = [];

    /// <summary>--after NAME=DEP[,DEP...] values, in order; built into <see cref="Readiness"/>.</summary>
    public List<string> AfterSpecs { get; } = [];

    /// <summary>--ready-interval: how often a check: command is tried, and how long a try may run.</summary>
    public TimeSpan ReadyInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>--ready-timeout: a service not ready this long after its spawn has failed; null: no limit.</summary>
    public TimeSpan? ReadyTimeout { get; set; }

    /// <summary>How each service and the main command say they are ready, and what they wait for.</summary>
    public ReadinessPlan Readiness { get; set; } = ReadinessPlan.Empty;

    /// <summary>--events: PATH or fd:N for the JSON event stream, or null.</summary>
    public string? EventsTarget { get; set; }

    /// <summary>--control: the path of the control socket, or null.</summary>
    public string? ControlPath { get; set; }

    /// <summary>What the service supervisor needs.</summary>
    public ServiceOptions ServiceOptions() =>
        new(Services.Services, RestartThreshold, MinRestartDelay, MaxRestartDelay, ServiceKillTimeout, TagOutput, Essential);

    /// <summary>What the readiness coordinator needs.</summary>
    public ReadinessOptions ReadinessOptions() =>
        new(Readiness, ReadyInterval, ReadyTimeout, Services.Services, HasCommand ? Command[0] : null);

    /// <summary>Whether a main command was given (services can run without one).</summary>
    public bool HasCommand => Command.Length > 0;

    /// <summary>Index in the raw argv of the command to run (its argv[0]).</summary>
    public int CommandIndex { get; set; }

    /// <summary>The command to run, as strings, for messages.</summary>
    public string[] Command { get; set; } = [];
}
