using System.Text.Json;
using TinyInit.Events;

namespace TinyInit.Control;

/// <summary>
/// One line of the answer to <c>status</c>: the main command or one service. Fields that do not
/// apply are left out. Documented in the README ("Control"); change both together.
/// </summary>
internal sealed class StatusRecord : IJsonLine
{
    public required string Name { get; init; }

    /// <summary><c>main</c> or <c>service</c>.</summary>
    public required string Role { get; init; }

    public string? Command { get; init; }

    /// <summary>The process, while one runs.</summary>
    public int? Pid { get; init; }

    /// <summary><c>running</c>, <c>stopping</c>, <c>waiting</c> (to restart), <c>stopped</c> or <c>exited</c>.</summary>
    public required string State { get; init; }

    /// <summary>How many times it was started after its first run.</summary>
    public int Restarts { get; init; }

    /// <summary>How its last run ended: the exit code, or 128+N when signal N killed it.</summary>
    public int? LastExitCode { get; init; }

    public string? LastSignal { get; init; }

    /// <summary>When it entered its state (started or ended), on CLOCK_MONOTONIC, as the events' <c>time_ns</c>.</summary>
    public long? SinceNs { get; init; }

    /// <summary>How long it has been in its state.</summary>
    public long? ForMs { get; init; }

    /// <summary>For <c>waiting</c>: how long until it is started again.</summary>
    public long? RestartInMs { get; init; }

    /// <summary>The line's object, fields in the documented order; a field that is null is left out.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, Name);
        json.WriteString("role"u8, Role);
        JsonFields.Write(json, "command"u8, Command);
        JsonFields.Write(json, "pid"u8, Pid);
        json.WriteString("state"u8, State);
        json.WriteNumber("restarts"u8, Restarts);
        JsonFields.Write(json, "last_exit_code"u8, LastExitCode);
        JsonFields.Write(json, "last_signal"u8, LastSignal);
        JsonFields.Write(json, "since_ns"u8, SinceNs);
        JsonFields.Write(json, "for_ms"u8, ForMs);
        JsonFields.Write(json, "restart_in_ms"u8, RestartInMs);
        json.WriteEndObject();
    }
}
