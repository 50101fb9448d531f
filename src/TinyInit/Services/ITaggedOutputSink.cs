using System;

namespace TinyInit.Services;

/// <summary>Receives the chunks an <see cref="OutputTagger"/> makes.</summary>
internal interface ITaggedOutputSink
{
    /// <summary>
    /// One line, or one piece of an over-long line: the <c>[NAME] </c> prefix, the bytes, and '\n'.
    /// Write it with a single write(2) (looping only on a short write) so that lines of different
    /// services never interleave mid-line. The span points into the tagger's buffer: use or copy it
    /// before returning, and do not call back into the same tagger.
    /// </summary>
    void Write(ReadOnlySpan<byte> chunk);
}
