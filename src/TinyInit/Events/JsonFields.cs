using System;
using System.Text.Json;

namespace TinyInit.Events;

/// <summary>Optional fields of the JSON lines: a null value leaves the field out.</summary>
internal static class JsonFields
{
    public static void Write(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
            json.WriteString(name, value);
    }

    public static void Write(Utf8JsonWriter json, ReadOnlySpan<byte> name, long? value)
    {
        if (value is long number)
            json.WriteNumber(name, number);
    }

    public static void Write(Utf8JsonWriter json, ReadOnlySpan<byte> name, bool? value)
    {
        if (value is bool flag)
            json.WriteBoolean(name, flag);
    }
}
