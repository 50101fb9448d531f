namespace TinyInit;

/// <summary>
/// The exit codes tinyinit itself chooses. Otherwise it exits with the main child's code,
/// or 128+N when signal N killed the child. The numbers follow coreutils timeout(1) and env(1).
/// </summary>
internal enum ExitCodes
{
    Success = 0,

    /// <summary>--timeout expired and the main command was stopped.</summary>
    TimedOut = 124,

    /// <summary>Bad usage (unknown flag, bad value, no command) or tinyinit could not set itself up.</summary>
    UsageOrSetupError = 125,

    /// <summary>The command was found but could not be executed (EACCES, ENOEXEC...).</summary>
    CannotExecute = 126,

    /// <summary>The command was not found.</summary>
    NotFound = 127,

    /// <summary>Added to the signal number when a signal killed the child.</summary>
    SignalOffset = 128,
}
