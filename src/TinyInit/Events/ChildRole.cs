namespace TinyInit.Events;

/// <summary>
/// Why tinyinit reaped a process. Subscribers filter on it: most only care about the main
/// child, while orphans re-parented to a PID 1 or subreaper are reaped in bulk and are only
/// worth a count or a trace line.
/// </summary>
internal enum ChildRole
{
    /// <summary>The command tinyinit was started with; its exit decides tinyinit's exit code.</summary>
    Main,

    /// <summary>A child tinyinit spawned and tracks besides the main one.</summary>
    Service,

    /// <summary>A try of a service's readiness check (--ready NAME=check:COMMAND), which tinyinit spawned.</summary>
    ReadinessCheck,

    /// <summary>A descendant tinyinit never spawned, reaped only because it was re-parented to tinyinit.</summary>
    Orphan,
}
