using System;
using System.Collections.Generic;
using TinyInit.Diagnostics;

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

    /// <summary>Index in the raw argv of the command to run (its argv[0]).</summary>
    public int CommandIndex { get; set; }

    /// <summary>The command to run, as strings, for messages.</summary>
    public string[] Command { get; set; } = [];
}
