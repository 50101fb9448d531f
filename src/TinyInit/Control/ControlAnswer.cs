using System.Text.Json.Serialization;

namespace TinyInit.Control;

/// <summary>
/// The first line of every answer on the control socket: whether the request was carried out and
/// what was done, or why not. Documented in the README ("Control"); change both together.
/// </summary>
internal sealed class ControlAnswer
{
    [JsonPropertyName("ok")]
    public required bool Ok { get; init; }

    /// <summary>What was done, in words, when it says more than "ok".</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>Why the request was refused.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }
}
