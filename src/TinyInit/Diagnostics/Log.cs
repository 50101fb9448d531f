using System;
using System.Text;
using TinyInit.Interop;
using Tmds.Linux;

namespace TinyInit.Diagnostics;

/// <summary>
/// Writes <c>[tinyinit] LEVEL message</c> lines to stderr, one write(2) per line, so lines
/// from tinyinit and its children never interleave mid-line. The Console class is not used:
/// it installs signal handlers (docs/design.md, "What the runtime must not do").
///
/// Before the loop runs, a line is written with a plain (blocking) write(2): setup errors must be
/// seen. Once the loop runs, lines go through <see cref="Stderr"/>, which never blocks and drops
/// (and counts) lines while stderr is not being read.
/// </summary>
internal static class Log
{
    private const int StderrFd = 2;
    private static readonly string[] LevelNames = ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"];

    /// <summary>Messages up to this level are written.</summary>
    public static LogLevel Threshold { get; set; } = LogLevel.Warn;

    /// <summary>The loop's non-blocking stderr, once the loop runs.</summary>
    public static ILogSink? Stderr { get; set; }

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
        if (!IsEnabled(level))
            return;
        string line = $"[tinyinit] {LevelNames[(int)level]} {message}\n";
        if (Stderr is ILogSink sink)
            sink.WriteLogLine(Encoding.UTF8.GetBytes(line));
        else
            WriteAll(StderrFd, line);
    }

    /// <summary>Writes all of text to fd as UTF-8; see <see cref="WriteAll(int, ReadOnlySpan{byte})"/>.</summary>
    public static void WriteAll(int fd, string text) => WriteAll(fd, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes all of bytes to fd with blocking write(2), retrying short writes and EINTR; gives up on other errors (errno tells which).</summary>
    /// <returns>Whether everything was written.</returns>
    public static unsafe bool WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = (nint)LibC.write(fd, start + done, (size_t)(bytes.Length - done));
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
