using System.Text.Json;

namespace TinyInit.Events;

/// <summary>
/// A record that writes itself as one JSON object, field by field with a <see cref="Utf8JsonWriter"/>.
/// Hand-written rather than System.Text.Json's serializer (even source-generated, it brings
/// JsonSerializerOptions, type metadata and converters: about 0.2 MB of the binary) for a few flat
/// records whose field order and left-out fields are documented and pinned by tests.
/// </summary>
internal interface IJsonLine
{
    void WriteTo(Utf8JsonWriter json);
}
