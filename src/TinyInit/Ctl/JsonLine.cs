using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using TinyInit.Text;

namespace TinyInit.Ctl;

/// <summary>
/// One line of tinyinit's answer, read as a flat JSON object: its fields in order, each as text
/// (a string unescaped; a number, true, false or null as written). Read with a Utf8JsonReader
/// rather than JsonDocument: its randomized property hashing pulled the crypto RNG and the
/// OpenSSL shim into the binary, 118 KB in all.
/// </summary>
internal sealed class JsonLine
{
    private readonly List<Field> _fields = [];

    private JsonLine()
    {
    }

    /// <summary>The fields in the order they came.</summary>
    public IReadOnlyList<Field> Fields => _fields;

    /// <returns>The object, or null when the line is not one JSON object.</returns>
    public static JsonLine? Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        var result = new JsonLine();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                int start = (int)reader.TokenStartIndex;
                bool isString = reader.TokenType == JsonTokenType.String;
                reader.Skip();
                string text = isString ? reader.GetString()! : Encoding.UTF8.GetString(line[start..(int)reader.BytesConsumed]);
                result._fields.Add(new Field(name, text, isString));
            }

            // Nothing may follow the object (Read throws on anything but white space).
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? result : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not UTF-8 (GetString cannot transcode it).
            return null;
        }
    }

    /// <returns>The field named <paramref name="name"/> (the last one, as JsonDocument finds it), or null.</returns>
    public Field? Get(string name)
    {
        for (int i = _fields.Count - 1; i >= 0; i--)
        {
            if (_fields[i].Name == name)
                return _fields[i];
        }

        return null;
    }

    /// <param name="Text">A string's value, or a number, true, false, null (or a nested value) as written.</param>
    public sealed record Field(string Name, string Text, bool IsString)
    {
        /// <summary>The text for a terminal: control characters escaped, so a line stays one line.</summary>
        public string Shown => EchoText.Escape(Text);
    }
}
