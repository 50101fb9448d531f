using System.Text.Json.Serialization;

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

    [JsonPropertyName("dropped")]
    public long? Dropped { get; init; }
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
