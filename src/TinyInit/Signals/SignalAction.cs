namespace TinyInit.Signals;

/// <summary>What tinyinit does with one signal it received; decided by <see cref="SignalRouter"/>.</summary>
internal enum SignalAction
{
    /// <summary>SIGCHLD: a child changed state; the reaper is due.</summary>
    Reap,

    /// <summary>Nothing: it was tinyinit's own SIGPIPE, or the main child has already exited.</summary>
    Ignore,

    /// <summary>Send <see cref="SignalDecision.Forward"/> to the main child (0: dropped by --rewrite).</summary>
    ForwardToMain,

    /// <summary>The restart signal: restart every service, one at a time.</summary>
    RestartServices,

    /// <summary>Services only, a terminating signal: stop the services and exit 0.</summary>
    Stop,

    /// <summary>Services only: send <see cref="SignalDecision.Forward"/> to every service's process group.</summary>
    ForwardToServices,
}
