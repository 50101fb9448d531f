using System.Text.Json.Serialization;

using TinyInit.Text;

namespace TinyInit.Events;

/// <summary>
/// One line of the event stream (--events), as JSON. Fields that do not apply to an event are
/// left out. Documented in the README; change both together.
/// </summary>
internal sealed class EventRecord
{
    [JsonPropertyName("event")]
    public required string Event { get; init; }

    /// <summary>CLOCK_MONOTONIC in nanoseconds: comparable between lines, not a wall-clock time.</summary>
    [JsonPropertyName("time_ns")]
    public long TimeNs { get; init; }

    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("command")]
    public string? Command { get; init; }

    [JsonPropertyName("service")]
    public string? Service { get; init; }

    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; init; }

    [JsonPropertyName("signal")]
    public string? Signal { get; init; }

    [JsonPropertyName("forwarded")]
    public string? Forwarded { get; init; }

    [JsonPropertyName("core_dumped")]
    public bool? CoreDumped { get; init; }

    [JsonPropertyName("delay_ms")]
    public long? DelayMs { get; init; }

    [JsonPropertyName("since_spawn_ms")]
    public long? SinceSpawnMs { get; init; }

    [JsonPropertyName("dropped")]
    public long? Dropped { get; init; }

    /// <summary>A control client's <c>dropped</c> line: how many events it lost at that place in its stream.</summary>
    [JsonPropertyName("count")]
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

/// <summary>
/// System.Text.Json source generation: no reflection, safe for native AOT. Serialization mode
/// generates a handler that writes straight to a Utf8JsonWriter, so the serializer's general
/// machinery can be trimmed out of the binary.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Serialization, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventRecord))]
internal sealed partial class EventJsonContext : JsonSerializerContext
{
}
