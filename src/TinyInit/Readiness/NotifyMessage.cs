using System;
using System.Text;

namespace TinyInit.Readiness;

/// <summary>
/// One sd_notify datagram, as sd_notify(3) defines it: newline-separated <c>VARIABLE=VALUE</c>
/// assignments. tinyinit acts on <c>READY=1</c> and keeps <c>STATUS=</c>; the other variables
/// (<c>MAINPID=</c>, <c>WATCHDOG=1</c>, <c>FDSTORE=1</c>…) are systemd's and are ignored.
/// </summary>
/// <param name="Ready">The message holds <c>READY=1</c>.</param>
/// <param name="Status">The last <c>STATUS=</c> value, made safe for a log line; null when absent.</param>
internal readonly record struct NotifyMessage(bool Ready, string? Status)
{
    /// <summary>Longest STATUS kept: it goes into log lines.</summary>
    public const int MaxStatusLength = 200;

    /// <returns>The message; nothing at all when it holds a NUL byte, which systemd rejects too.</returns>
    public static NotifyMessage Parse(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Contains((byte)0))
            return default;
        bool ready = false;
        string? status = null;
        while (!datagram.IsEmpty)
        {
            int end = datagram.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? datagram : datagram[..end];
            datagram = end < 0 ? default : datagram[(end + 1)..];
            if (line.SequenceEqual("READY=1"u8))
                ready = true;
            else if (line.StartsWith("STATUS="u8))
                status = Clean(line["STATUS="u8.Length..]);
        }

        return new NotifyMessage(ready, status);
    }

    /// <summary>Decodes UTF-8 (invalid bytes become U+FFFD), replaces control characters, and caps the length.</summary>
    private static string Clean(ReadOnlySpan<byte> value)
    {
        string text = Encoding.UTF8.GetString(value);
        if (text.Length > MaxStatusLength)
            text = text[..MaxStatusLength];
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
    }
}
