using System.Text.Json;
using TinyInit.Events;

namespace TinyInit.Control;

/// <summary>
/// The first line of every answer on the control socket: whether the request was carried out and
/// what was done, or why not. Documented in the README ("Control"); change both together.
/// </summary>
internal sealed class ControlAnswer : IJsonLine
{
    public required bool Ok { get; init; }

    /// <summary>What was done, in words, when it says more than "ok".</summary>
    public string? Message { get; init; }

    /// <summary>Why the request was refused.</summary>
    public string? Error { get; init; }

    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteBoolean("ok"u8, Ok);
        JsonFields.Write(json, "message"u8, Message);
        JsonFields.Write(json, "error"u8, Error);
        json.WriteEndObject();
    }
}
