namespace TinyInit.Diagnostics;

/// <summary>Log levels, most severe first. The default threshold is <see cref="Warn"/>; each -v adds one.</summary>
internal enum LogLevel
{
    Error = 0,
    Warn = 1,
    Info = 2,
    Debug = 3,
    Trace = 4,
}
