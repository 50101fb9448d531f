using System;
using System.Text;
using TinyInit.Diagnostics;

namespace TinyInit.Ctl;

/// <summary>
/// ctl's stdout: lines are gathered and written together whenever ctl is about to wait for more
/// from tinyinit (or the buffer is full), so following thousands of events costs one write(2) per
/// read, not one per line, and nothing printed waits while ctl waits.
/// </summary>
internal sealed class StdoutBuffer
{
    private const int Size = 64 * 1024;

    private readonly byte[] _buffer = new byte[Size];
    private int _length;

    /// <summary>Set once stdout would not take a write (its reader has gone, as with '| head').</summary>
    public bool IsBroken { get; private set; }

    /// <summary>Adds bytes and a newline.</summary>
    public void AppendLine(ReadOnlySpan<byte> line)
    {
        if (_length + line.Length + 1 > Size)
            Flush();
        if (line.Length + 1 > Size)
        {
            IsBroken |= !Log.WriteAll(1, line) || !Log.WriteAll(1, "\n"u8);
            return;
        }

        line.CopyTo(_buffer.AsSpan(_length));
        _length += line.Length;
        _buffer[_length++] = (byte)'\n';
    }

    /// <summary>Adds text as it is (it carries its own newlines).</summary>
    public void Append(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (_length + bytes.Length > Size)
            Flush();
        if (bytes.Length > Size)
        {
            IsBroken |= !Log.WriteAll(1, bytes);
            return;
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <returns>Whether stdout took everything so far.</returns>
    public bool Flush()
    {
        if (_length > 0 && !IsBroken)
            IsBroken = !Log.WriteAll(1, _buffer.AsSpan(0, _length));
        _length = 0;
        return !IsBroken;
    }
}
