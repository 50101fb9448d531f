using System;
using System.Collections.Generic;
using TinyInit.Services;

namespace TinyInit.UnitTests.Services;

/// <summary>Keeps a copy of every chunk, in order, as a single write(2) per chunk would put them.</summary>
internal sealed class ChunkRecorder : ITaggedOutputSink
{
    public List<byte[]> Chunks { get; } = [];

    public void Write(ReadOnlySpan<byte> chunk) => Chunks.Add(chunk.ToArray());
}
