namespace TinyInit.Shutdown;

/// <summary>What the <see cref="ShutdownSequence"/> asks for at one turn.</summary>
internal enum ShutdownStep
{
    /// <summary>Nothing now: wait (and reap) until the next deadline.</summary>
    Wait,

    /// <summary>Send SIGTERM to everything left; the grace period starts.</summary>
    TermAll,

    /// <summary>The grace period is over (or was 0): send SIGKILL to everything left, again at each sweep.</summary>
    KillAll,

    /// <summary>SIGKILL has had its time and something is still there: name it and exit without it.</summary>
    GiveUp,

    /// <summary>Nothing is left: tinyinit can exit.</summary>
    Done,
}
