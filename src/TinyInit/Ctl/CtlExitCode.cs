namespace TinyInit.Ctl;

/// <summary>What 'tinyinit ctl' exits with.</summary>
internal enum CtlExitCode
{
    /// <summary>tinyinit did what was asked (for <c>events</c>: the stream ran to its shutdown line).</summary>
    Success = 0,

    /// <summary>tinyinit refused: an unknown service, a bad signal, a peer it does not serve. One line says why.</summary>
    Refused = 1,

    /// <summary>tinyinit could not be reached, or the connection was lost. One line says why.</summary>
    Unreachable = 2,

    /// <summary>Bad usage of 'tinyinit ctl' itself, as for tinyinit.</summary>
    Usage = ExitCodes.UsageOrSetupError,
}
