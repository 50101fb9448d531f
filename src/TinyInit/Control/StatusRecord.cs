using System.Text.Json.Serialization;

namespace TinyInit.Control;

/// <summary>
/// One line of the answer to <c>status</c>: the main command or one service. Fields that do not
/// apply are left out. Documented in the README ("Control"); change both together.
/// </summary>
internal sealed class StatusRecord
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary><c>main</c> or <c>service</c>.</summary>
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    [JsonPropertyName("command")]
    public string? Command { get; init; }

    /// <summary>The process, while one runs.</summary>
    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    /// <summary><c>running</c>, <c>stopping</c>, <c>waiting</c> (to restart), <c>stopped</c> or <c>exited</c>.</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    /// <summary>How many times it was started after its first run.</summary>
    [JsonPropertyName("restarts")]
    public int Restarts { get; init; }

    /// <summary>How its last run ended: the exit code, or 128+N when signal N killed it.</summary>
    [JsonPropertyName("last_exit_code")]
    public int? LastExitCode { get; init; }

    [JsonPropertyName("last_signal")]
    public string? LastSignal { get; init; }

    /// <summary>When it entered its state (started or ended), on CLOCK_MONOTONIC, as the events' <c>time_ns</c>.</summary>
    [JsonPropertyName("since_ns")]
    public long? SinceNs { get; init; }

    /// <summary>How long it has been in its state.</summary>
    [JsonPropertyName("for_ms")]
    public long? ForMs { get; init; }

    /// <summary>For <c>waiting</c>: how long until it is started again.</summary>
    [JsonPropertyName("restart_in_ms")]
    public long? RestartInMs { get; init; }
}
