using System.Collections.Generic;
using TinyInit.Interop;

namespace TinyInit.Signals;

/// <summary>
/// Decides what a received signal means, with no side effect, so that the rules are in one place
/// and unit-tested without processes: SIGCHLD reaps; the restart signal restarts the services;
/// everything else is rewritten (--rewrite) and forwarded to the main child, or, with services
/// and no main command, stops them (TERM, INT, QUIT, HUP) or is forwarded to each of them.
/// </summary>
internal sealed class SignalRouter
{
    private readonly IReadOnlyDictionary<int, int> _rewrites;
    private readonly int _restartSignal;
    private readonly bool _hasServices;

    /// <param name="rewrites">--rewrite: the signal to forward for each one received; 0 drops it.</param>
    /// <param name="restartSignal">--restart-signal; it means something only when there are services.</param>
    /// <param name="hasServices">Whether services are supervised.</param>
    public SignalRouter(IReadOnlyDictionary<int, int> rewrites, int restartSignal, bool hasServices)
    {
        _rewrites = rewrites;
        _restartSignal = restartSignal;
        _hasServices = hasServices;
    }

    /// <param name="signal">The signal received.</param>
    /// <param name="fromSelf">It was raised by tinyinit itself (ssi_pid is its own pid).</param>
    /// <param name="hasMain">Whether a main command was started.</param>
    /// <param name="mainExited">Whether the main child has exited already.</param>
    public SignalDecision Route(int signal, bool fromSelf, bool hasMain, bool mainExited)
    {
        if (signal == Sys.SIGCHLD)
            return new SignalDecision(SignalAction.Reap);

        // A write to a closed pipe raises SIGPIPE in tinyinit; it is blocked, so it lands here.
        if (signal == Sys.SIGPIPE && fromSelf)
            return new SignalDecision(SignalAction.Ignore);
        if (_hasServices && signal == _restartSignal)
            return new SignalDecision(SignalAction.RestartServices);

        int forward = _rewrites.TryGetValue(signal, out int rewritten) ? rewritten : signal;
        if (!hasMain)
        {
            return IsTerminating(signal)
                ? new SignalDecision(SignalAction.Stop)
                : new SignalDecision(SignalAction.ForwardToServices, forward);
        }

        if (mainExited)
            return new SignalDecision(SignalAction.Ignore);
        return new SignalDecision(SignalAction.ForwardToMain, forward, forward != 0 && IsTerminating(forward));
    }

    /// <summary>The signals that ask a process to end: what docker stop, Ctrl-C, Ctrl-\ and a hang-up send.</summary>
    public static bool IsTerminating(int signal) =>
        signal is Sys.SIGTERM or Sys.SIGINT or Sys.SIGQUIT or Sys.SIGHUP;
}
