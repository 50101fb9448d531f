using System;
using System.Buffers;
using System.Text;

namespace TinyInit.Cli;

/// <summary>
/// UTF-8 that keeps every byte: argv, the environment and files are bytes on Linux, and a
/// service command must reach the shell as it was written, Latin-1 or not. Python's
/// "surrogateescape" (PEP 383): a byte that is not part of valid UTF-8 (always 0x80-0xFF)
/// becomes the lone surrogate U+DC80-U+DCFF, which valid UTF-8 can never produce, and
/// <see cref="Encode"/> turns it back into that byte. So Encode(Decode(b)) == b for all bytes,
/// and the parsers keep working on strings.
/// </summary>
internal static class LosslessUtf8
{
    private const char FirstEscape = '\uDC80';
    private const char LastEscape = '\uDCFF';

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
            return Encoding.UTF8.GetString(bytes);

        var text = new StringBuilder(bytes.Length);
        Span<char> pair = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed) == OperationStatus.Done)
            {
                text.Append(pair[..rune.EncodeToUtf16(pair)]);
                bytes = bytes[consumed..];
            }
            else
            {
                text.Append((char)(FirstEscape - 0x80 + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return text.ToString();
    }

    /// <summary>The bytes <paramref name="text"/> was decoded from. Any other lone surrogate becomes U+FFFD, as in UTF-8 everywhere.</summary>
    public static byte[] Encode(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange(FirstEscape, LastEscape) < 0)
            return Encoding.UTF8.GetBytes(text);

        var bytes = new ArrayBufferWriter<byte>(text.Length * 3);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                rune = new Rune(c, text[++i]);
            }
            else if (IsEscapedByte(c))
            {
                bytes.Write([EscapedByte(c)]);
                continue;
            }
            else
            {
                rune = char.IsSurrogate(c) ? Rune.ReplacementChar : new Rune(c);
            }

            bytes.Advance(rune.EncodeToUtf8(bytes.GetSpan(4)));
        }

        return bytes.WrittenSpan.ToArray();
    }

    /// <summary>The text as a plain string, for messages and events: each escaped byte becomes U+FFFD.</summary>
    public static string Display(string text) =>
        text.AsSpan().IndexOfAnyInRange(FirstEscape, LastEscape) < 0 ? text : Encoding.UTF8.GetString(Encode(text));

    /// <summary>Whether c stands for a byte that was not UTF-8 (when it is not the second half of a pair).</summary>
    public static bool IsEscapedByte(char c) => c is >= FirstEscape and <= LastEscape;

    /// <summary>The byte an escaped char stands for.</summary>
    public static byte EscapedByte(char c) => (byte)(c - FirstEscape + 0x80);
}
