using System;
using System.Runtime.CompilerServices;

namespace TinyInit.Diagnostics;

/// <summary>A log level as a type, so that <see cref="LogMessage{TLevel}"/> knows it at compile time.</summary>
internal interface ILogLevel
{
    static abstract LogLevel Level { get; }
}

internal readonly struct InfoLevel : ILogLevel
{
    public static LogLevel Level => LogLevel.Info;
}

internal readonly struct DebugLevel : ILogLevel
{
    public static LogLevel Level => LogLevel.Debug;
}

internal readonly struct TraceLevel : ILogLevel
{
    public static LogLevel Level => LogLevel.Trace;
}

/// <summary>
/// An interpolated log message that is only formatted when its level is enabled. Debug and trace
/// lines sit on the reaping and forwarding paths: formatting them unconditionally allocated a
/// string per event, and the garbage grew the RSS of a busy init by megabytes.
/// </summary>
[InterpolatedStringHandler]
internal ref struct LogMessage<TLevel>
    where TLevel : struct, ILogLevel
{
    private DefaultInterpolatedStringHandler _text;

    public LogMessage(int literalLength, int formattedCount, out bool enabled)
    {
        enabled = Log.IsEnabled(TLevel.Level);
        _text = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public void AppendFormatted(ReadOnlySpan<char> value) => _text.AppendFormatted(value);

    public void AppendFormatted(string? value) => _text.AppendFormatted(value);

    public string ToStringAndClear() => _text.ToStringAndClear();
}
