namespace TinyInit.Events;

/// <summary>
/// One thing that happened in tinyinit, as published to the event fan-out. Exits carry the
/// <see cref="ExitEvent"/> itself; the other kinds use the fields that apply to them.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="MonotonicNanoseconds">When, on CLOCK_MONOTONIC.</param>
/// <param name="Pid">The child concerned, or 0.</param>
/// <param name="Name">The command or service name, where known.</param>
/// <param name="Role">Main, service or orphan.</param>
/// <param name="Signal">The signal received (Signal), the delay in milliseconds (Restart, Timeout), or the time since the spawn in milliseconds (Ready).</param>
/// <param name="Forwarded">The signal sent on after --rewrite; 0 when it was dropped.</param>
/// <param name="Exit">The exit, for <see cref="InitEventKind.Exit"/>.</param>
internal readonly record struct InitEvent(
    InitEventKind Kind,
    long MonotonicNanoseconds,
    int Pid = 0,
    string? Name = null,
    ChildRole Role = ChildRole.Main,
    long Signal = 0,
    int Forwarded = 0,
    ExitEvent Exit = default);
