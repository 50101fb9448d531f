using System;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Reaping;
using TinyInit.Spawning;
using TinyInit.Text;
using Tmds.Linux;

namespace TinyInit.Children;

/// <summary>
/// The main command: its spawn (and the terminal it may get), the signals forwarded to it,
/// --timeout and --kill-after, and the exit code tinyinit passes on.
/// </summary>
internal sealed class MainChild : ITurnWork, IDisposable
{
    private readonly bool _signalGroup;
    private readonly TimeSpan? _timeout;
    private readonly TimeSpan _killAfterTimeout;
    private readonly TimeSpan? _killAfter;
    private readonly EventPublisher _events;
    private long _timeoutAt = Deadline.None;
    private long _killAt = Deadline.None;
    private bool _tookTerminal;

    /// <param name="name">The command, for logs and events.</param>
    /// <param name="signalGroup">-g: signals go to the child's whole process group.</param>
    /// <param name="timeout">--timeout, or null.</param>
    /// <param name="killAfter">--kill-after, or null.</param>
    /// <param name="grace">--grace: the SIGKILL delay after a timeout when --kill-after is not given.</param>
    /// <param name="events">Where the spawn and the timeout are published.</param>
    public MainChild(string name, bool signalGroup, TimeSpan? timeout, TimeSpan? killAfter, TimeSpan grace, EventPublisher events)
    {
        Name = name;
        _signalGroup = signalGroup;
        _timeout = timeout;
        _killAfter = killAfter;
        _killAfterTimeout = killAfter ?? grace;
        _events = events;
    }

    /// <summary>The command's name (its argv[0]), for messages and 'tinyinit ctl status'.</summary>
    public string Name { get; }

    public TrackedChild? Child { get; private set; }

    public bool HasExited => Child?.Exit is not null;

    /// <summary>When it was spawned (Stopwatch timestamp), for 'tinyinit ctl status'.</summary>
    public long SpawnedAt { get; private set; }

    /// <summary>Whether --timeout expired: tinyinit then exits 124.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>The code tinyinit exits with for this child (before -e remapping).</summary>
    public int ExitCode => TimedOut ? (int)ExitCodes.TimedOut : Child?.Exit?.ToExitCode() ?? 0;

    public long NextDeadline => HasExited || Child is null ? Deadline.None : Math.Min(_timeoutAt, _killAt);

    public bool HasPendingWork => false;

    /// <summary>Starts the command.</summary>
    /// <returns>0, or the exit code for the failure (<see cref="SpawnFailure.ExitCodeOf"/>), already logged.</returns>
    public unsafe int Spawn(SpawnRequest template, byte** argv)
    {
        // With a terminal on stdin (docker run -it), the child gets a process group of its own that
        // becomes the terminal's foreground group, so Ctrl-C, Ctrl-\ and Ctrl-Z reach it and a shell
        // has job control. Only when tinyinit holds the foreground itself: never steal it from a shell.
        // In a PID namespace, a process group outside it reads as 0: never take the terminal then.
        int group = LibC.getpgrp();
        _tookTerminal = group > 0 && LibC.isatty(0) == 1 && LibC.tcgetpgrp(0) == group;
        SpawnRequest request = template with
        {
            Argv = argv,
            NewProcessGroup = ProcessGroupChoice.ChildHasItsOwn(_signalGroup, _tookTerminal, LibC.getsid(0) == LibC.getpid()),
            ForegroundTerminalFd = _tookTerminal ? 0 : -1,
        };

        int error = ChildSpawner.Spawn(request, out int pid);
        if (error != 0)
        {
            Log.Error($"cannot run {EchoText.Quote(Name)}: {SpawnFailure.Describe(error)}");
            return (int)SpawnFailure.ExitCodeOf(error);
        }

        Child = new TrackedChild(pid, Name);
        SpawnedAt = Deadline.Now;
        if (_timeout is TimeSpan timeout)
            _timeoutAt = Deadline.In(timeout);
        Log.Info($"spawned '{Name}' as pid {pid}");
        _events.Publish(new InitEvent(InitEventKind.Spawn, EventPublisher.Now(), pid, Name, ChildRole.Main));
        return 0;
    }

    /// <summary>Forwards a signal; a terminating one starts --kill-after.</summary>
    /// <returns>0, or the errno of the send (already logged).</returns>
    public int Forward(int sig, bool armsKillAfter)
    {
        int error = Signal(sig);
        if (armsKillAfter && _killAfter is TimeSpan killAfter && _killAt == Deadline.None)
            _killAt = Deadline.In(killAfter);
        return error;
    }

    /// <summary>Records the child's exit (reaped, or about to be).</summary>
    public void OnExit(ExitStatus status)
    {
        Child!.MarkExited(status);
        Log.Info($"main child {Child.Pid} {status.Describe()}");
    }

    /// <summary>--timeout: SIGTERM, then SIGKILL after --kill-after (or the grace); --kill-after: SIGKILL.</summary>
    public void OnTurn(long now)
    {
        if (Child is not TrackedChild main || HasExited)
            return;

        if (now >= _timeoutAt)
        {
            _timeoutAt = Deadline.None;
            TimedOut = true;
            Log.Warn($"'{main.Name}' timed out after {Durations.Format(_timeout!.Value)}: sending SIGTERM, SIGKILL in {Durations.Format(_killAfterTimeout)}");
            _events.Publish(new InitEvent(InitEventKind.Timeout, EventPublisher.Now(), main.Pid, main.Name, ChildRole.Main, (long)_timeout.Value.TotalMilliseconds));
            Signal(Sys.SIGTERM);
            _killAt = Math.Min(_killAt, Deadline.In(_killAfterTimeout));
        }

        if (now >= _killAt)
        {
            _killAt = Deadline.None;
            Log.Warn($"'{main.Name}' (pid {main.Pid}) has not exited after a terminating signal: sending SIGKILL");
            Signal(Sys.SIGKILL);
        }
    }

    /// <summary>Gives the terminal's foreground back to tinyinit's own group, if it was handed to the child.</summary>
    public void GiveBackTerminal()
    {
        if (_tookTerminal && LibC.tcsetpgrp(0, LibC.getpgrp()) < 0)
            Log.Debug($"tcsetpgrp: {Errors.Describe(Errors.Last())}");
    }

    private int Signal(int sig)
    {
        TrackedChild main = Child!;
        int error = main.Signal(sig, _signalGroup);
        if (error == 0)
            Log.Debug($"sent {SignalNames.Name(sig)} to {(_signalGroup ? "process group" : "pid")} {main.Pid}");
        else if ((Errno)error == Errno.ESRCH)
            Log.Debug($"{SignalNames.Name(sig)} not sent: pid {main.Pid} has already exited");
        else
            Log.Warn($"sending {SignalNames.Name(sig)} to {main.Pid}: {Errors.Describe(error)}");
        return error;
    }

    public void Dispose() => Child?.Dispose();
}
