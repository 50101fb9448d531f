using TinyInit.Children;
using TinyInit.Cli;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Reaping;
using TinyInit.Services;
using TinyInit.Shutdown;
using TinyInit.Text;
using Tmds.Linux;

namespace TinyInit.Supervision;

/// <summary>
/// Carries out the <see cref="ShutdownSequence"/> once the main child has exited (or an essential
/// service has, and then the main child is stopped with the rest): the services and every leftover get SIGTERM, then the grace period while the loop goes on reaping and
/// forwarding, then SIGKILL, until tinyinit has no child left. --no-cleanup leaves everything but
/// the services alone.
///
/// What "every leftover" is: as PID 1, every process in the namespace, which kill(-1) reaches in
/// one call; as a subreaper, every descendant, proven through pidfds (<see cref="ProcessTree"/>),
/// and only when /proc is tinyinit's own (<see cref="ProcFs.IsOurs"/>). Otherwise tinyinit can
/// signal only the children it knows (the services) and says so once. Done when tinyinit has no
/// child left: anything still running below a subreaper or PID 1 is either its child or has a
/// living ancestor that is.
/// </summary>
internal sealed class Stopping
{
    private readonly Settings _settings;
    private readonly int _selfPid;
    private readonly EventLoop _loop;
    private readonly ExitDispatch _exits;
    private readonly ServiceSupervisor? _services;
    private readonly MainChild? _main;
    private readonly bool _cleanUp;
    private readonly ShutdownSequence _sequence;
    private bool _killAnnounced;
    private bool _leftoversAbandoned;

    public Stopping(Settings settings, int selfPid, EventLoop loop, ExitDispatch exits, ServiceSupervisor? services, MainChild? main = null)
    {
        _main = main;
        _settings = settings;
        _selfPid = selfPid;
        _loop = loop;
        _exits = exits;
        _services = services;
        _cleanUp = !settings.NoCleanup;
        _sequence = new ShutdownSequence(settings.Grace);
    }

    /// <summary>Whether shutdown still has something to wait for.</summary>
    private bool Remaining => MainRuns || !(_services?.AllStopped ?? true) || (_cleanUp && !_leftoversAbandoned && _exits.HasChildren);

    /// <summary>The run ended while the main child still runs (an essential service exited): it is stopped like a service.</summary>
    private bool MainRuns => _main is { Child: not null, HasExited: false };

    /// <summary>Whether leftovers other than tinyinit's known children can be found and signalled.</summary>
    private bool CanReachLeftovers => _selfPid == 1 || ProcFs.IsOurs;

    public void Run()
    {
        _services?.StopRestarting();
        _exits.Due = true;
        _exits.OnTurn(Deadline.Now);
        if (_cleanUp && !CanReachLeftovers && _exits.HasChildren)
            Log.Warn("/proc is not this PID namespace's (or is not mounted): cleanup can signal only the services; other leftovers are waited for, not signalled");

        int termed = Act(_sequence.Begin(Deadline.Now, Remaining));

        // The leftovers' SIGTERM reached the services too, unless it reached nothing: then they are
        // signalled by process group, as with --no-cleanup.
        _services?.StopAll(_sequence.GraceEnd, sendTerm: termed == 0);
        if (termed == 0 && MainRuns)
            _main!.Forward(Sys.SIGTERM, armsKillAfter: false);
        while (!_sequence.IsOver)
        {
            _loop.RunOnce(_sequence.NextDeadline);
            Act(_sequence.Advance(Deadline.Now, Remaining));
        }
    }

    /// <returns>How many leftovers were signalled.</returns>
    private int Act(ShutdownStep step)
    {
        switch (step)
        {
            case ShutdownStep.TermAll:
                if (!_cleanUp)
                    return 0;
                Log.Info($"sending SIGTERM to the remaining processes, {Durations.Format(_settings.Grace)} grace");
                return SignalLeftovers(Sys.SIGTERM);
            case ShutdownStep.KillAll:
                if (_cleanUp && !CanReachLeftovers && !_leftoversAbandoned && _exits.HasChildren)
                {
                    // SIGKILL cannot reach them either: waiting longer would only delay the exit.
                    _leftoversAbandoned = true;
                    Log.Warn($"grace period of {Durations.Format(_settings.Grace)} is over: the remaining processes cannot be signalled; exiting without them");
                }

                if (_sequence.GraceRanOut && !_killAnnounced && Remaining)
                    Log.Warn($"grace period of {Durations.Format(_settings.Grace)} is over: sending SIGKILL to the remaining processes");
                _killAnnounced = true;
                _services?.KillAll();
                if (MainRuns)
                    _main!.Forward(Sys.SIGKILL, armsKillAfter: false);
                return _cleanUp ? SignalLeftovers(Sys.SIGKILL) : 0;
            case ShutdownStep.GiveUp:
                ReportLeftovers();
                return 0;
            default:
                return 0;
        }
    }

    private int SignalLeftovers(int sig)
    {
        if (_selfPid == 1)
            return LibC.kill(-1, sig) == 0 ? 1 : 0;
        return ProcFs.IsOurs ? ProcessTree.SignalDescendants(_selfPid, sig) : 0;
    }

    private void ReportLeftovers()
    {
        string limit = Durations.Format(ShutdownSequence.KillWaitLimit);
        string pids = string.Join(' ', ProcessTree.Descendants(_selfPid));
        Log.Error(pids.Length > 0
            ? $"still running {limit} after SIGKILL (uninterruptible, or not tinyinit's to kill): {pids}; exiting without them"
            : $"some processes are still running {limit} after SIGKILL (uninterruptible, or not tinyinit's to kill; /proc cannot name them); exiting without them");
    }
}
