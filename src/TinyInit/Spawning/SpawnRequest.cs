namespace TinyInit.Spawning;

/// <summary>What <see cref="ChildSpawner"/> needs to start a child the way tinyinit was started.</summary>
internal readonly unsafe struct SpawnRequest
{
    public SpawnRequest()
    {
    }

    /// <summary>NULL-terminated argv; Argv[0] is looked up in PATH.</summary>
    public byte** Argv { get; init; }

    /// <summary>NULL-terminated environment, passed through as it is.</summary>
    public byte** Envp { get; init; }

    /// <summary>The signal mask the child starts with (bit n-1 for signal n).</summary>
    public ulong SignalMask { get; init; }

    /// <summary>Signals the child keeps ignored; every other one is reset to its default action.</summary>
    public ulong IgnoredSignals { get; init; }

    /// <summary>Start the child in a process group of its own.</summary>
    public bool NewProcessGroup { get; init; }

    /// <summary>A terminal whose foreground group becomes the child's group, or -1.</summary>
    public int ForegroundTerminalFd { get; init; }

    /// <summary>An fd that becomes the child's stdout, or -1 to inherit tinyinit's.</summary>
    public int StdoutFd { get; init; }

    /// <summary>An fd that becomes the child's stderr, or -1 to inherit tinyinit's.</summary>
    public int StderrFd { get; init; }

    /// <summary>One more fd the child gets, at <see cref="ExtraFdTarget"/> (a readiness pipe, /dev/null as stdin), or -1.</summary>
    public int ExtraFd { get; init; } = -1;

    /// <summary>Where <see cref="ExtraFd"/> goes in the child; dup'ed after stdout and stderr.</summary>
    public int ExtraFdTarget { get; init; }
}
