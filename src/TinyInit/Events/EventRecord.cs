using System.Text.Json;

using TinyInit.Text;

namespace TinyInit.Events;

/// <summary>
/// One line of the event stream (--events), as JSON. Fields that do not apply to an event are
/// left out. Documented in the README; change both together.
/// </summary>
internal sealed class EventRecord : IJsonLine
{
    public required string Event { get; init; }

    /// <summary>CLOCK_MONOTONIC in nanoseconds: comparable between lines, not a wall-clock time.</summary>
    public long TimeNs { get; init; }

    public int? Pid { get; init; }

    public string? Role { get; init; }

    public string? Command { get; init; }

    public string? Service { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public string? Forwarded { get; init; }

    public bool? CoreDumped { get; init; }

    public long? DelayMs { get; init; }

    public long? SinceSpawnMs { get; init; }

    public long? Dropped { get; init; }

    /// <summary>A control client's <c>dropped</c> line: how many events it lost at that place in its stream.</summary>
    public long? Count { get; init; }

    /// <summary>The line for one published event.</summary>
    public static EventRecord From(in InitEvent e) => e.Kind switch
    {
        InitEventKind.Spawn => new EventRecord
        {
            Event = "spawn", TimeNs = e.MonotonicNanoseconds, Pid = e.Pid, Role = RoleName(e.Role),
            Command = e.Role == ChildRole.Service ? null : e.Name, Service = e.Role == ChildRole.Service ? e.Name : null,
        },
        InitEventKind.Signal => new EventRecord
        {
            Event = "signal", TimeNs = e.MonotonicNanoseconds, Pid = e.Pid == 0 ? null : e.Pid,
            Signal = SignalNames.Name((int)e.Signal), Forwarded = e.Forwarded == 0 ? "none" : SignalNames.Name(e.Forwarded),
        },
        InitEventKind.Exit => new EventRecord
        {
            Event = "exit", TimeNs = e.MonotonicNanoseconds, Pid = e.Exit.Pid, Role = RoleName(e.Exit.Role),
            Command = NamesService(e.Exit.Role) ? null : e.Exit.Command,
            Service = NamesService(e.Exit.Role) ? e.Exit.Command : null,
            ExitCode = e.Exit.ToExitCode(), Signal = e.Exit.Signal != 0 ? SignalNames.Name(e.Exit.Signal) : null,
            CoreDumped = e.Exit.CoreDumped,
        },
        InitEventKind.Timeout => new EventRecord
        {
            Event = "timeout", TimeNs = e.MonotonicNanoseconds, Pid = e.Pid, Command = e.Name, DelayMs = e.Signal,
        },
        InitEventKind.Ready => new EventRecord
        {
            Event = "ready", TimeNs = e.MonotonicNanoseconds, Pid = e.Pid, Role = RoleName(e.Role),
            Command = e.Role == ChildRole.Service ? null : e.Name, Service = e.Role == ChildRole.Service ? e.Name : null,
            SinceSpawnMs = e.Signal,
        },
        _ => new EventRecord
        {
            Event = "restart", TimeNs = e.MonotonicNanoseconds, Service = e.Name, DelayMs = e.Signal,
        },
    };

    /// <summary>The line's object, fields in the documented order; a field that is null is left out.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("event"u8, Event);
        json.WriteNumber("time_ns"u8, TimeNs);
        JsonFields.Write(json, "pid"u8, Pid);
        JsonFields.Write(json, "role"u8, Role);
        JsonFields.Write(json, "command"u8, Command);
        JsonFields.Write(json, "service"u8, Service);
        JsonFields.Write(json, "exit_code"u8, ExitCode);
        JsonFields.Write(json, "signal"u8, Signal);
        JsonFields.Write(json, "forwarded"u8, Forwarded);
        JsonFields.Write(json, "core_dumped"u8, CoreDumped);
        JsonFields.Write(json, "delay_ms"u8, DelayMs);
        JsonFields.Write(json, "since_spawn_ms"u8, SinceSpawnMs);
        JsonFields.Write(json, "dropped"u8, Dropped);
        JsonFields.Write(json, "count"u8, Count);
        json.WriteEndObject();
    }

    /// <summary>A service's exit, or its readiness check's, names the service rather than a command.</summary>
    private static bool NamesService(ChildRole role) => role is ChildRole.Service or ChildRole.ReadinessCheck;

    private static string RoleName(ChildRole role) => role switch
    {
        ChildRole.Main => "main",
        ChildRole.Service => "service",
        ChildRole.ReadinessCheck => "check",
        _ => "orphan",
    };
}
