using System.Text.Json.Serialization;

namespace TinyInit.Control;

/// <summary>
/// System.Text.Json source generation for the control socket's answers, in serialization mode like
/// the event stream's context: a handler that writes straight to a Utf8JsonWriter, no reflection.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Serialization, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ControlAnswer))]
[JsonSerializable(typeof(StatusRecord))]
internal sealed partial class ControlJsonContext : JsonSerializerContext
{
}
