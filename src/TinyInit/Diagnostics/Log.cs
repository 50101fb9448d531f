using System;
using System.Runtime.CompilerServices;
using System.Text;
using TinyInit.Interop;

namespace TinyInit.Diagnostics;

/// <summary>
/// Writes <c>[tinyinit] LEVEL message</c> lines to stderr, one write(2) per line, so lines
/// from tinyinit and its children never interleave mid-line. The Console class is not used:
/// it installs signal handlers (../shared/notes/platform.md, fact 3).
/// </summary>
internal static class Log
{
    private const int StderrFd = 2;
    private static readonly string[] LevelNames = ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"];

    /// <summary>Messages up to this level are written.</summary>
    public static LogLevel Threshold { get; set; } = LogLevel.Warn;

    public static bool IsEnabled(LogLevel level) => level <= Threshold;

    public static void Error(string message) => Write(LogLevel.Error, message);

    public static void Warn(string message) => Write(LogLevel.Warn, message);

    public static void Info(string message) => Write(LogLevel.Info, message);

    public static void Debug(string message) => Write(LogLevel.Debug, message);

    public static void Trace(string message) => Write(LogLevel.Trace, message);

    /// <summary>Formats the message only when info is enabled (the default level is warn).</summary>
    public static void Info(ref LogMessage<InfoLevel> message)
    {
        if (IsEnabled(LogLevel.Info))
            Write(LogLevel.Info, message.ToStringAndClear());
    }

    /// <summary>Formats the message only when debug is enabled.</summary>
    public static void Debug(ref LogMessage<DebugLevel> message)
    {
        if (IsEnabled(LogLevel.Debug))
            Write(LogLevel.Debug, message.ToStringAndClear());
    }

    /// <summary>Formats the message only when trace is enabled.</summary>
    public static void Trace(ref LogMessage<TraceLevel> message)
    {
        if (IsEnabled(LogLevel.Trace))
            Write(LogLevel.Trace, message.ToStringAndClear());
    }

    public static void Write(LogLevel level, string message)
    {
        if (IsEnabled(level))
            WriteLine(StderrFd, $"[tinyinit] {LevelNames[(int)level]} {message}");
    }

    /// <summary>Writes text and a newline to fd with as few write(2) calls as the kernel allows.</summary>
    public static void WriteLine(int fd, string text) => WriteAll(fd, text + "\n");

    /// <summary>Writes all of text to fd as UTF-8; see <see cref="WriteAll(int, ReadOnlySpan{byte})"/>.</summary>
    public static void WriteAll(int fd, string text) => WriteAll(fd, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes all of bytes to fd, retrying short writes and EINTR; gives up silently on other errors (errno tells which).</summary>
    /// <param name="fd">The fd.</param>
    /// <param name="bytes">What to write.</param>
    /// <param name="socketFlags">For a socket: write with send(2) and these flags (MSG_DONTWAIT); -1 for write(2).</param>
    /// <returns>Whether everything was written.</returns>
    public static unsafe bool WriteAll(int fd, ReadOnlySpan<byte> bytes, int socketFlags = -1)
    {
        fixed (byte* start = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = socketFlags < 0
                    ? Libc.write(fd, start + done, (nuint)(bytes.Length - done))
                    : Libc.send(fd, start + done, (nuint)(bytes.Length - done), socketFlags);
                if (n > 0)
                    done += (int)n;
                else if (n < 0 && Errors.Last() == Errno.EINTR)
                    continue;
                else
                    return false;
            }
        }

        return true;
    }
}
