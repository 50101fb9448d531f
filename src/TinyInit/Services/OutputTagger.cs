using System;
using System.Text;

namespace TinyInit.Services;

/// <summary>
/// Overview: prefixes each line a service writes with <c>[NAME] </c>, the way procmon, foreman
/// and overmind tag output, so several services can share the container's stdout and every
/// line still says where it came from.
///
/// Constraints, and how they are met:
/// - Lines of two services must never interleave mid-line. Each line goes to the sink as one
///   chunk, prefix and '\n' included, for a single write(2); a partial line is held until the
///   rest of it (or <see cref="Flush"/>) arrives instead of being written half.
/// - Output is bytes, not text. Nothing is decoded: invalid UTF-8, lone continuation bytes,
///   '\r' and escape sequences pass through byte for byte. Only '\n' (0x0A) ends a line, which is
///   safe in UTF-8 because 0x0A never occurs inside a multi-byte sequence.
/// - A service must not make tinyinit use unbounded memory by never writing '\n'. A chunk is at
///   most <see cref="MaxLineLength"/> bytes after the prefix, '\n' included; a longer line is cut
///   into several prefixed chunks. The cut is moved back by up to 3 bytes so that it does not
///   split a UTF-8 sequence (judged from the lead byte's bit pattern alone), which would show
///   as two replacement characters. All memory is one buffer allocated up front.
///
/// One tagger per service and stream (stdout and stderr each need their own, or a partial line
/// on one would absorb the other), used by one thread.
/// </summary>
internal sealed class OutputTagger
{
    /// <summary>16 KiB: longer than any sane log line, short enough to hold for every service.</summary>
    public const int DefaultMaxLineLength = 16 * 1024;

    // A cut carries up to 3 bytes over to the next chunk, which must still have room for more.
    private const int SmallestMaxLineLength = 8;
    private const byte Newline = (byte)'\n';
    private const int MaxUtf8SequenceLength = 4;

    private readonly ITaggedOutputSink _sink;

    // The prefix, then the held part of the current line, then room for the '\n' that ends a chunk.
    private readonly byte[] _buffer;
    private readonly int _prefixLength;

    // Line bytes a chunk can carry: the maximum less the '\n'.
    private readonly int _lineCapacity;
    private int _held;

    /// <param name="name">The service name; the prefix is <c>[NAME] </c> in UTF-8.</param>
    /// <param name="sink">Receives every chunk.</param>
    /// <param name="maxLineLength">The most bytes a chunk holds after the prefix, its '\n' included.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLineLength"/> is below 8.</exception>
    public OutputTagger(string name, ITaggedOutputSink sink, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, SmallestMaxLineLength);

        _sink = sink;
        byte[] prefix = Encoding.UTF8.GetBytes($"[{name}] ");
        _prefixLength = prefix.Length;
        _lineCapacity = maxLineLength - 1;
        _buffer = new byte[_prefixLength + maxLineLength];
        prefix.CopyTo(_buffer, 0);
        MaxLineLength = maxLineLength;
    }

    /// <summary>The most bytes a chunk holds after the prefix, its '\n' included.</summary>
    public int MaxLineLength { get; }

    /// <summary>The prefix's length in bytes: a chunk is at most this plus <see cref="MaxLineLength"/>.</summary>
    public int PrefixLength => _prefixLength;

    /// <summary>Bytes of an unfinished line waiting for more data or <see cref="Flush"/>.</summary>
    public int HeldBytes => _held;

    /// <summary>Takes the next bytes the service wrote and passes each line completed by them to the sink.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int room = _lineCapacity - _held;

            // A '\n' just after a full buffer still ends this line within one chunk.
            int newline = data[..Math.Min(data.Length, room + 1)].IndexOf(Newline);
            if (newline >= 0)
            {
                Hold(data[..newline]);
                data = data[(newline + 1)..];
                EmitAll();
            }
            else if (data.Length <= room)
            {
                Hold(data);
                return;
            }
            else
            {
                Hold(data[..room]);
                data = data[room..];
                EmitCut();
            }
        }
    }

    /// <summary>
    /// Passes an unfinished line to the sink with a '\n' added. Call it when the service's pipe
    /// reaches end of file, so its last words are not lost; nothing happens when no line is held.
    /// </summary>
    public void Flush()
    {
        if (_held > 0)
            EmitAll();
    }

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.AsSpan(_prefixLength + _held));
        _held += bytes.Length;
    }

    private void EmitAll()
    {
        _buffer[_prefixLength + _held] = Newline;
        _sink.Write(_buffer.AsSpan(0, _prefixLength + _held + 1));
        _held = 0;
    }

    // The buffer is full and the line goes on: emit what is held, less an incomplete UTF-8
    // sequence at its end, which starts the next chunk instead.
    private void EmitCut()
    {
        int cut = Utf8SafeCut(_buffer.AsSpan(_prefixLength, _held));
        Span<byte> carried = stackalloc byte[MaxUtf8SequenceLength - 1];
        int carriedLength = _held - cut;
        _buffer.AsSpan(_prefixLength + cut, carriedLength).CopyTo(carried);

        _held = cut;
        EmitAll();

        carried[..carriedLength].CopyTo(_buffer.AsSpan(_prefixLength));
        _held = carriedLength;
    }

    /// <returns>Where to cut <paramref name="line"/>: before a lead byte whose sequence runs past the
    /// end, else at the end. Never at 0, so every chunk makes progress even on garbage.</returns>
    private static int Utf8SafeCut(ReadOnlySpan<byte> line)
    {
        int lowest = Math.Max(1, line.Length - (MaxUtf8SequenceLength - 1));
        for (int i = line.Length - 1; i >= lowest; i--)
        {
            byte b = line[i];
            if ((b & 0b1100_0000) == 0b1000_0000)
                continue; // a continuation byte: keep looking for its lead byte

            int sequenceLength = b switch
            {
                >= 0b1111_0000 and < 0b1111_1000 => 4,
                >= 0b1110_0000 and < 0b1111_0000 => 3,
                >= 0b1100_0000 and < 0b1110_0000 => 2,
                _ => 1,
            };
            return i + sequenceLength > line.Length ? i : line.Length;
        }

        return line.Length;
    }
}
