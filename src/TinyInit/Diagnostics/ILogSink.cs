using System;

namespace TinyInit.Diagnostics;

/// <summary>Where <see cref="Log"/> writes its lines once the loop runs: a non-blocking stderr that may drop them (and count).</summary>
internal interface ILogSink
{
    /// <summary>Writes one whole line, '\n' included, without blocking; may drop it.</summary>
    void WriteLogLine(ReadOnlySpan<byte> line);
}
