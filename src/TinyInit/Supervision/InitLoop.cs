using System;
using System.Diagnostics;
using System.Threading.Tasks;
using TinyInit.Cli;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Services;
using TinyInit.Spawning;

namespace TinyInit.Supervision;

/// <summary>
/// Overview: the one event loop of tinyinit, on the main thread.
///
/// Constraints: the handled signals are blocked in every thread before the runtime starts
/// (Native/startup.c), so they arrive only through the signalfd read here. The loop sleeps in
/// epoll_wait with no timeout unless a deadline is pending, so an idle tinyinit never wakes up.
/// After the main child is spawned nothing may end tinyinit early (as PID 1 its death takes the
/// whole container with it): errors are logged and the loop carries on, as catatonit does.
///
/// Each wake-up: read every pending signal; SIGCHLD only marks that reaping is due, others are
/// rewritten (--rewrite) and forwarded to the main child at once; then reap every exited child;
/// then act on the deadlines that have passed (--timeout, --kill-after).
///
/// Every exit becomes an <see cref="ExitEvent"/>: the main child's completes its waiter, and every
/// event goes to the fan-out, whose subscriber the event stream (--events) is written here too,
/// never blocking. Services (--service, --procfile) run under a <see cref="ServiceSupervisor"/>
/// that this loop feeds with exits, deadlines and readable output pipes.
///
/// When the main child has exited, what is left under tinyinit gets SIGTERM, then up to the
/// grace period to exit (reaped as it goes), then SIGKILL; only then does tinyinit exit, with
/// the main child's code. Every peer exits at once instead, and the kernel SIGKILLs the rest of
/// the namespace with no chance to clean up (or, on a host, the rest leaks).
/// </summary>
internal sealed unsafe class InitLoop : IDisposable, IExitSink, IServiceHost
{
    private const int MaxEvents = 8;

    /// <summary>During a long reaping pass, the event stream is written every this many exits: a quarter of its channel.</summary>
    private const int FlushEveryExits = 256;

    /// <summary>How often the final SIGKILL sweep looks again for processes forked meanwhile.</summary>
    private static readonly TimeSpan KillSweepInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long SIGKILL is given to work. A process in uninterruptible sleep, or one tinyinit may
    /// not kill (EPERM), would otherwise hold tinyinit forever; as PID 1, its exit then lets the
    /// kernel tear the namespace down.
    /// </summary>
    private static readonly TimeSpan KillWaitLimit = TimeSpan.FromSeconds(5);

    private readonly Settings _settings;
    private readonly Libc.tinyinit_startup _startup;
    private readonly int _selfPid = Libc.getpid();
    private readonly Reaper _reaper;
    private SignalSource? _signals;
    private int _epollFd = -1;
    private TrackedChild? _main;
    private long _timeoutAt = Deadline.None;
    private long _killAt = Deadline.None;
    private bool _timedOut;
    private bool _tookTerminal;
    private bool _terminateRequested;
    private readonly ServiceSupervisor? _services;
    private readonly EventFanout<InitEvent> _events = new();
    private readonly ExitWaiters _waiters = new();
    private EventStream? _stream;
    private int _exitsSinceFlush;
    private Task<ExitEvent>? _mainExit;

    public InitLoop(Settings settings, in Libc.tinyinit_startup startup)
    {
        _settings = settings;
        _startup = startup;
        _reaper = new Reaper(this);
        SpawnTemplate = new SpawnRequest
        {
            Envp = startup.envp,
            SignalMask = startup.original_mask,
            IgnoredSignals = startup.original_ignored,
            ForegroundTerminalFd = -1,
            StdoutFd = -1,
            StderrFd = -1,
        };
        if (settings.Services.Count > 0)
            _services = new ServiceSupervisor(settings, this);
    }

    /// <inheritdoc/>
    public SpawnRequest SpawnTemplate { get; }

    /// <summary>Whether the loop has done its work: the main child exited, or (services only) a terminating signal came.</summary>
    private bool Finished => _mainExit is not null ? _mainExit.IsCompleted : _terminateRequested;

    /// <summary>Runs the command to its end.</summary>
    /// <returns>tinyinit's exit code.</returns>
    public int Run()
    {
        int setupError = SetUp();
        if (setupError != 0)
            return setupError;

        if (_settings.HasCommand)
        {
            int spawnError = SpawnMain();
            if (spawnError != 0)
                return spawnError;
            if (_settings.Timeout is TimeSpan timeout)
                _timeoutAt = Deadline.In(timeout);
        }

        _services?.StartAll();
        while (!Finished)
            WaitAndDispatch(Deadline.None);

        int code = FinalExitCode(_mainExit is null ? 0
            : _timedOut ? (int)ExitCodes.TimedOut
            : _mainExit.Result.ToExitCode());
        ShutDown();
        _services?.FlushOutput();
        GiveBackTerminal();
        _stream?.WriteShutdown(code, Now());
        _events.Complete();
        return code;
    }

    /// <summary>
    /// Once the main child has exited (or, with services only, a terminating signal came): what
    /// is left gets SIGTERM, services and leftovers at once, then up to the grace period to exit
    /// while it is reaped, then SIGKILL. A service gets SIGKILL sooner when its kill timeout
    /// passes. Done when tinyinit has no child left: anything still running below a subreaper or
    /// PID 1 is either its child or has a living ancestor that is. --no-cleanup leaves everything
    /// but the services alone.
    /// </summary>
    private void ShutDown()
    {
        // The main child's deadlines are moot now; left armed they would make epoll_wait spin.
        _timeoutAt = _killAt = Deadline.None;
        bool cleanUp = !_settings.NoCleanup;
        long graceEnd = Deadline.In(_settings.Grace);
        _services?.StopRestarting();
        _reaper.ReapAll();
        int termed = 0;
        if (cleanUp && _reaper.HasChildren && _settings.Grace > TimeSpan.Zero)
        {
            termed = ProcessTree.SignalAll(_selfPid, Libc.SIGTERM);
            Log.Info($"sent SIGTERM to the remaining processes, {Durations.Format(_settings.Grace)} grace");
        }

        // The sweep above reached the services too, unless it found nothing (no /proc): then they
        // are signalled by process group, as with --no-cleanup.
        _services?.StopAll(graceEnd, sendTerm: termed == 0);
        while (Remaining(cleanUp) && Deadline.Now < graceEnd)
            WaitAndDispatch(graceEnd);
        if (!Remaining(cleanUp))
            return;

        if (_settings.Grace > TimeSpan.Zero)
            Log.Warn($"grace period of {Durations.Format(_settings.Grace)} is over: sending SIGKILL to the remaining processes");

        // A process can fork between the walk and the kill; its child is reparented to tinyinit
        // once the parent dies, so sweep again until nothing is left, within a limit.
        long giveUp = Deadline.In(KillWaitLimit);
        while (Remaining(cleanUp) && Deadline.Now < giveUp)
        {
            _services?.KillAll();
            if (cleanUp)
                ProcessTree.SignalAll(_selfPid, Libc.SIGKILL);
            WaitAndDispatch(Math.Min(giveUp, Deadline.In(KillSweepInterval)));
        }

        if (Remaining(cleanUp))
        {
            string pids = string.Join(' ', ProcessTree.Descendants(_selfPid));
            Log.Error($"still running {Durations.Format(KillWaitLimit)} after SIGKILL (uninterruptible, or not tinyinit's to kill): {pids}; exiting without them");
        }
    }

    /// <summary>Whether shutdown still has something to wait for.</summary>
    private bool Remaining(bool cleanUp) => !(_services?.AllStopped ?? true) || (cleanUp && _reaper.HasChildren);

    /// <summary>Everything that can still fail with one line and exit 125, before any child exists.</summary>
    private int SetUp()
    {
        _signals = SignalSource.Open(_startup.handled, out Errno error);
        if (_signals is null)
            return SetupFailure("signalfd", error);

        _epollFd = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
        if (_epollFd < 0)
            return SetupFailure("epoll_create1", Errors.Last());
        var registration = new Libc.epoll_event { events = Libc.EPOLLIN, data = (ulong)_signals.Fd };
        if (Libc.epoll_ctl(_epollFd, Libc.EPOLL_CTL_ADD, _signals.Fd, ref registration) < 0)
            return SetupFailure("epoll_ctl", Errors.Last());

        if (_settings.EventsTarget is string target)
        {
            _stream = EventStream.Open(target, _events, out string? streamError);
            if (_stream is null)
            {
                Log.Error(streamError!);
                return (int)ExitCodes.UsageOrSetupError;
            }

            if (_stream.WritableFd >= 0)
            {
                var writable = new Libc.epoll_event { events = Libc.EPOLLOUT | Libc.EPOLLET, data = (ulong)_stream.WritableFd };
                if (Libc.epoll_ctl(_epollFd, Libc.EPOLL_CTL_ADD, _stream.WritableFd, ref writable) < 0)
                    Log.Debug($"epoll_ctl(events fd): {Errors.Describe(Errors.Last())}");
            }
        }

        RegisterAsReaper();
        if (_settings.ParentDeathSignal != 0)
        {
            int parent = Libc.getppid();
            if (Libc.prctl(Libc.PR_SET_PDEATHSIG, (nuint)_settings.ParentDeathSignal, 0, 0, 0) < 0)
                return SetupFailure("prctl(PR_SET_PDEATHSIG)", Errors.Last());

            // The parent may have died before prctl took effect: then nobody will send the signal.
            if (Libc.getppid() != parent)
                Libc.kill(_selfPid, _settings.ParentDeathSignal);
        }

        return 0;
    }

    private void RegisterAsReaper()
    {
        if (_settings.Subreaper)
        {
            if (Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                Log.Warn($"could not register as child subreaper: {Errors.Describe(Errors.Last())}; orphans will not be reaped");
            else
                Log.Debug("registered as child subreaper");
        }
        else if (_selfPid != 1)
        {
            Log.Warn("not running as PID 1 and not a subreaper (-s): orphaned descendants will not be reaped by tinyinit");
        }
    }

    private int SpawnMain()
    {
        // With a terminal on stdin (docker run -it), the child gets a process group of its own that
        // becomes the terminal's foreground group, so Ctrl-C, Ctrl-\ and Ctrl-Z reach it and a shell
        // has job control. Only when tinyinit holds the foreground itself: never steal it from a shell.
        // In a PID namespace, a process group outside it reads as 0: never take the terminal then.
        int group = Libc.getpgrp();
        _tookTerminal = group > 0 && Libc.isatty(0) == 1 && Libc.tcgetpgrp(0) == group;
        bool newGroup = ProcessGroupChoice.ChildHasItsOwn(_settings.ProcessGroup, _tookTerminal, Libc.getsid(0) == _selfPid);
        SpawnRequest request = SpawnTemplate with
        {
            Argv = _startup.argv + _settings.CommandIndex,
            NewProcessGroup = newGroup,
            ForegroundTerminalFd = _tookTerminal ? 0 : -1,
        };

        int error = ChildSpawner.Spawn(request, out int pid);
        if (error != 0)
        {
            string command = _settings.Command[0];
            Log.Error($"cannot run '{command}': {SpawnFailure.Describe(error)}");
            return (int)SpawnFailure.ExitCodeOf(error);
        }

        _main = new TrackedChild(pid, _settings.Command[0]);
        _mainExit = _waiters.Register(pid);
        Log.Info($"spawned '{_main.Name}' as pid {pid}");
        Publish(new InitEvent(InitEventKind.Spawn, Now(), pid, _main.Name, ChildRole.Main));
        return 0;
    }

    private void GiveBackTerminal()
    {
        if (_tookTerminal && Libc.tcsetpgrp(0, Libc.getpgrp()) < 0)
            Log.Debug($"tcsetpgrp: {Errors.Describe(Errors.Last())}");
    }

    /// <summary>Sleeps until a signal arrives or the earliest deadline passes, then handles what is due.</summary>
    private void WaitAndDispatch(long deadline)
    {
        Libc.epoll_event* events = stackalloc Libc.epoll_event[MaxEvents];
        long next = Math.Min(Math.Min(deadline, _services?.NextDeadline ?? Deadline.None), Math.Min(_timeoutAt, _killAt));
        next = Math.Min(next, _events.NextDeadline ?? Deadline.None);
        int ready = Libc.epoll_wait(_epollFd, events, MaxEvents, Deadline.TimeoutMilliseconds(next));
        if (ready < 0)
        {
            Errno error = Errors.Last();
            if (error != Errno.EINTR)
                Log.Error($"epoll_wait: {Errors.Describe(error)}");
            return;
        }

        try
        {
            bool reapDue = false;
            for (int i = 0; i < ready; i++)
            {
                int fd = (int)events[i].data;
                if (fd == _signals!.Fd)
                    reapDue |= DrainSignals();
                else if (fd != _stream?.WritableFd)
                    _services?.OnReadable(fd);
            }

            if (reapDue)
                _reaper.ReapAll();
            long now = Deadline.Now;
            ActOnDeadlines(now);
            _services?.OnDeadlines(now);
            _events.Pump(now);
            _stream?.Flush();
        }
        catch (Exception e)
        {
            // The child is running: tinyinit dying now would take it (as PID 1, the whole
            // container) down. Log and carry on, as catatonit does.
            Log.Error($"internal error, carrying on: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private void ActOnDeadlines(long now)
    {
        if (_main is not TrackedChild main || main.Exit is not null)
            return;

        if (now >= _timeoutAt)
        {
            _timeoutAt = Deadline.None;
            _timedOut = true;
            TimeSpan killAfter = _settings.KillAfter ?? _settings.Grace;
            Log.Warn($"'{main.Name}' timed out after {Durations.Format(_settings.Timeout!.Value)}: sending SIGTERM, SIGKILL in {Durations.Format(killAfter)}");
            Publish(new InitEvent(InitEventKind.Timeout, Now(), main.Pid, main.Name, ChildRole.Main, (long)_settings.Timeout!.Value.TotalMilliseconds));
            SignalMain(Libc.SIGTERM);
            _killAt = Math.Min(_killAt, Deadline.In(killAfter));
        }

        if (now >= _killAt)
        {
            _killAt = Deadline.None;
            Log.Warn($"'{main.Name}' (pid {main.Pid}) has not exited after a terminating signal: sending SIGKILL");
            SignalMain(Libc.SIGKILL);
        }
    }

    /// <returns>Whether SIGCHLD was among the signals.</returns>
    private bool DrainSignals()
    {
        bool childExited = false;
        // One read per wake-up unless the batch came back full: the signalfd is level-triggered in
        // epoll, so anything still pending wakes the loop again, and the read that would only say
        // EAGAIN is saved (three syscalls per forwarded signal, as tini).
        do
        {
            foreach (ref readonly Libc.signalfd_siginfo info in _signals!.ReadBatch())
            {
                int sig = (int)info.ssi_signo;
                if (sig == Libc.SIGCHLD)
                    childExited = true;
                else if (sig == Libc.SIGPIPE && info.ssi_pid == _selfPid)
                    Log.Debug("ignored a SIGPIPE raised by tinyinit's own write");
                else
                    Forward(sig);
            }
        }
        while (_signals.LastBatchWasFull);

        return childExited;
    }

    private void Forward(int received)
    {
        if (_services is not null && received == _settings.RestartSignal)
        {
            _services.RestartAll();
            return;
        }

        if (_main is null)
        {
            OnSignalWithoutMain(received);
            return;
        }

        if (_main.Exit is not null)
        {
            Log.Debug($"{SignalNames.Name(received)} received after the main child exited: not forwarded");
            return;
        }

        int sig = RewriteOf(received);
        Publish(new InitEvent(InitEventKind.Signal, Now(), _main.Pid, Signal: received, Forwarded: sig));
        if (sig == 0)
        {
            Log.Debug($"{SignalNames.Name(received)} dropped (--rewrite)");
            return;
        }

        if (sig != received)
            Log.Debug($"{SignalNames.Name(received)} rewritten to {SignalNames.Name(sig)}");
        SignalMain(sig);
        if (IsTerminating(sig) && _settings.KillAfter is TimeSpan killAfter && _killAt == Deadline.None)
            _killAt = Deadline.In(killAfter);
    }

    /// <summary>Services only: a terminating signal stops them all; other signals go to each service.</summary>
    private void OnSignalWithoutMain(int received)
    {
        int sig = RewriteOf(received);
        Publish(new InitEvent(InitEventKind.Signal, Now(), Signal: received, Forwarded: IsTerminating(received) ? 0 : sig));
        if (IsTerminating(received))
        {
            Log.Info($"{SignalNames.Name(received)} received: stopping the services");
            _terminateRequested = true;
            _services?.StopRestarting();
        }
        else if (sig != 0)
        {
            _services?.ForwardToAll(sig);
        }
    }

    /// <summary>The signal to send on for one received (--rewrite); 0 drops it.</summary>
    private int RewriteOf(int received) => _settings.Rewrites.TryGetValue(received, out int rewritten) ? rewritten : received;

    private static bool IsTerminating(int sig) =>
        sig is Libc.SIGTERM or Libc.SIGINT or Libc.SIGQUIT or Libc.SIGHUP;

    private void SignalMain(int sig)
    {
        TrackedChild main = _main!;
        int error = main.Signal(sig, _settings.ProcessGroup);
        if (error == 0)
            Log.Debug($"sent {SignalNames.Name(sig)} to {(_settings.ProcessGroup ? "process group" : "pid")} {main.Pid}");
        else if ((Errno)error == Errno.ESRCH)
            Log.Debug($"{SignalNames.Name(sig)} not sent: pid {main.Pid} has already exited");
        else
            Log.Warn($"sending {SignalNames.Name(sig)} to {main.Pid}: {Errors.Describe(error)}");
    }

    /// <inheritdoc/>
    public void OnExit(int pid, ExitStatus status)
    {
        // Published before the pid is released (the reaper reaps it after this returns), and the
        // main child's waiter is completed directly: a bounded channel can drop, the waiter cannot.
        (ChildRole role, string? name) = Identify(pid);
        var exit = new ExitEvent(pid, status.Code, status.Signal, status.CoreDumped, name, role, Now());
        _waiters.TryComplete(exit);
        Publish(new InitEvent(InitEventKind.Exit, exit.MonotonicNanoseconds, pid, name, role, Exit: exit));

        // Thousands of zombies can come in one reaping pass: write as we go, or the stream's
        // bounded channel would overflow before the pass ends even with a file that takes it all.
        if (_stream is not null && ++_exitsSinceFlush >= FlushEveryExits)
        {
            _exitsSinceFlush = 0;
            _stream.Flush();
        }

        if (_main is TrackedChild main && pid == main.Pid && main.Exit is null)
        {
            // A service reaped in the same pass must not be started again: the container is stopping.
            _services?.StopRestarting();
            main.MarkExited(status);
            Log.Info($"main child {pid} {status.Describe()}");
        }
        else if (_services?.OnExit(pid, status) == true)
        {
        }
        else if (_settings.WarnOnReap)
        {
            Log.Warn($"reaped zombie pid {pid} ({status.Describe()})");
        }
        else
        {
            Log.Trace($"reaped pid {pid} ({status.Describe()})");
        }
    }

    private int FinalExitCode(int code)
    {
        if (_settings.RemappedExitCodes.Contains(code))
        {
            Log.Debug($"exit code {code} remapped to 0");
            return 0;
        }

        return code;
    }

    private static int SetupFailure(string call, Errno error)
    {
        Log.Error($"{call}: {Errors.Describe(error)}");
        return (int)ExitCodes.UsageOrSetupError;
    }

    /// <inheritdoc/>
    public void Watch(int fd)
    {
        var registration = new Libc.epoll_event { events = Libc.EPOLLIN, data = (ulong)fd };
        if (Libc.epoll_ctl(_epollFd, Libc.EPOLL_CTL_ADD, fd, ref registration) < 0)
            Log.Error($"epoll_ctl(ADD {fd}): {Errors.Describe(Errors.Last())}");
    }

    /// <inheritdoc/>
    public void Unwatch(int fd)
    {
        var registration = default(Libc.epoll_event);
        Libc.epoll_ctl(_epollFd, Libc.EPOLL_CTL_DEL, fd, ref registration);
    }

    /// <inheritdoc/>
    public void OnServiceStarted(string name, int pid) =>
        Publish(new InitEvent(InitEventKind.Spawn, Now(), pid, name, ChildRole.Service));

    /// <inheritdoc/>
    public void OnServiceRestartScheduled(string name, TimeSpan delay) =>
        Publish(new InitEvent(InitEventKind.Restart, Now(), Name: name, Role: ChildRole.Service, Signal: (long)delay.TotalMilliseconds));

    private (ChildRole Role, string? Name) Identify(int pid)
    {
        if (_main is TrackedChild main && pid == main.Pid)
            return (ChildRole.Main, main.Name);
        if (_services?.NameOf(pid) is string service)
            return (ChildRole.Service, service);

        // An orphan's name costs a read of /proc/PID/comm (still there for a zombie): only when someone listens.
        return (ChildRole.Orphan, _events.SubscriberCount > 0 ? CommandNameOf(pid) : null);
    }

    /// <summary>/proc/PID/comm with three plain syscalls: it is read once per orphan while events are on.</summary>
    private static string? CommandNameOf(int pid)
    {
        Span<byte> path = stackalloc byte[32];
        if (!System.Text.Unicode.Utf8.TryWrite(path, System.Globalization.CultureInfo.InvariantCulture, $"/proc/{pid}/comm\0", out _))
            return null;
        int fd;
        fixed (byte* p = path)
            fd = Libc.open(p, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            return null;
        byte* name = stackalloc byte[32];
        nint n = Libc.read(fd, name, 32);
        Libc.close(fd);
        if (n <= 0)
            return null;
        int length = (int)n;
        if (name[length - 1] == (byte)'\n')
            length--;
        return System.Text.Encoding.UTF8.GetString(name, length);
    }

    /// <inheritdoc/>
    public bool ObserversPresent => _events.SubscriberCount > 0;

    /// <summary>Publishes to the fan-out; builds nothing when nobody subscribes.</summary>
    private void Publish(in InitEvent e)
    {
        if (_events.SubscriberCount > 0)
            _events.Publish(e);
    }

    private static long Now() => ExitEvent.NanosecondsFromTimestamp(Stopwatch.GetTimestamp());

    public void Dispose()
    {
        _stream?.Dispose();
        _services?.Dispose();
        _main?.Dispose();
        _signals?.Dispose();
        if (_epollFd >= 0)
        {
            Libc.close(_epollFd);
            _epollFd = -1;
        }
    }
}
