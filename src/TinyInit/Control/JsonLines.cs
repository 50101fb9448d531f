using System;
using System.Buffers;
using System.Text.Json;
using TinyInit.Events;

namespace TinyInit.Control;

/// <summary>
/// Builds JSON lines: each record writes itself straight to a <see cref="Utf8JsonWriter"/>
/// (<see cref="IJsonLine"/>), then a newline.
/// </summary>
internal sealed class JsonLines : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public JsonLines() => _json = new Utf8JsonWriter(_buffer);

    /// <summary>The lines added since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Clear() => _buffer.ResetWrittenCount();

    /// <summary>Appends one value as one line.</summary>
    public void Add(IJsonLine value)
    {
        _json.Reset(_buffer);
        value.WriteTo(_json);
        _json.Flush();
        _buffer.Write("\n"u8);
    }

    public void Dispose() => _json.Dispose();
}
