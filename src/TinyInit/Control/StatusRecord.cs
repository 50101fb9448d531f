using System.Collections.Generic;
using System.Text.Json;
using TinyInit.Events;

namespace TinyInit.Control;

/// <summary>
/// One line of the answer to <c>status</c>: the main command or one service. Fields that do not
/// apply are left out. Documented in the README ("Control"); change both together.
/// </summary>
internal sealed record StatusRecord : IJsonLine
{
    public required string Name { get; init; }

    /// <summary><c>main</c> or <c>service</c>.</summary>
    public required string Role { get; init; }

    public string? Command { get; init; }

    /// <summary>The process, while one runs.</summary>
    public int? Pid { get; init; }

    /// <summary><c>running</c>, <c>stopping</c>, <c>waiting</c> (to restart), <c>held</c> (--after), <c>stopped</c> or <c>exited</c>.</summary>
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

    /// <summary>With readiness in use (--ready, --after): whether its current run is ready; null otherwise.</summary>
    public bool? Ready { get; init; }

    /// <summary>For <c>held</c>: the units it still waits for (--after); null otherwise.</summary>
    public IReadOnlyList<string>? WaitingFor { get; init; }

    /// <summary>The last STATUS= text it sent (sd_notify), or null.</summary>
    public string? NotifyStatus { get; init; }

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
        JsonFields.Write(json, "ready"u8, Ready);
        if (WaitingFor is not null)
        {
            json.WriteStartArray("waiting_for"u8);
            foreach (string name in WaitingFor)
                json.WriteStringValue(name);
            json.WriteEndArray();
        }

        JsonFields.Write(json, "notify_status"u8, NotifyStatus);
        json.WriteEndObject();
    }
}
