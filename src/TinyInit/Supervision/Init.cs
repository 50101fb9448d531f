using System;
using TinyInit.Children;
using TinyInit.Cli;
using TinyInit.Control;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Output;
using TinyInit.Reaping;
using TinyInit.Readiness;
using TinyInit.Services;
using TinyInit.Signals;
using TinyInit.Spawning;
using Tmds.Linux;

namespace TinyInit.Supervision;

/// <summary>
/// Overview: tinyinit from setup to exit, as a table of contents (docs/design.md, "Layout"): set
/// up what can still fail with one line and 125, spawn the main child, start the services, turn
/// the loop until the main child has exited (or, services only, a terminating signal came), stop
/// what is left (<see cref="Stopping"/>), write the last lines, and return the main child's code.
///
/// Each part owns its fds and deadlines and is given its turn by the <see cref="EventLoop"/>:
/// signals are routed as they are read, then the exits are dispatched, then the main child's and
/// the services' deadlines, and the event stream is written last. After the main child is spawned
/// nothing may end tinyinit early (as PID 1 its death takes the whole container with it): every
/// step from there on is guarded, logs what went wrong and carries on, as catatonit does.
/// </summary>
internal sealed unsafe partial class Init : IDisposable
{
    /// <summary>How long the last lines (event stream, stdout, stderr) may wait for their readers at exit.</summary>
    private static readonly TimeSpan FinalWriteLimit = TimeSpan.FromSeconds(1);

    private readonly Settings _settings;
    private readonly Sys.tinyinit_startup _startup;
    private readonly int _selfPid = LibC.getpid();
    private readonly EventPublisher _events = new();
    private readonly SignalRouter _router;
    private readonly SpawnRequest _template;
    private readonly MainChild? _main;
    private EventLoop? _loop;
    private SignalSource? _signals;
    private EventStream? _stream;
    private ControlListener? _control;
    private OutputChannel? _stdout;
    private OutputChannel? _stderr;
    private ServiceSupervisor? _services;
    private ExitDispatch? _exits;
    private ReadinessCoordinator? _readiness;
    private bool _stopRequested;
    private int _stopSignal;
    private int? _heldMainSpawnError;

    public Init(Settings settings, in Sys.tinyinit_startup startup)
    {
        _settings = settings;
        _startup = startup;
        _router = new SignalRouter(settings.Rewrites, settings.RestartSignal, settings.Services.Count > 0);
        _template = new SpawnRequest
        {
            Envp = startup.envp,
            SignalMask = startup.original_mask,
            IgnoredSignals = startup.original_ignored,
            ForegroundTerminalFd = -1,
            StdoutFd = -1,
            StderrFd = -1,
        };
        if (settings.HasCommand)
            _main = new MainChild(settings.Command[0], settings.ProcessGroup, settings.Timeout, settings.KillAfter, settings.Grace, _events);
    }

    /// <summary>
    /// Whether the loop has done its work: the main child exited, an essential service exited, or a
    /// terminating signal came while there was no main child (services only, or one held by --after).
    /// </summary>
    private bool Finished => (_main?.HasExited ?? false) || _stopRequested || _services?.EssentialExit is not null || _heldMainSpawnError is not null;

    /// <summary>Runs the command to its end.</summary>
    /// <returns>tinyinit's exit code.</returns>
    public int Run()
    {
        int setupError = SetUp();
        if (setupError != 0)
            return setupError;
        if (_main is not null && !(_readiness?.HoldsMain ?? false))
        {
            int spawnError = SpawnMain();
            if (spawnError != 0)
                return spawnError;
        }

        // From here on, nothing ends tinyinit before the main child's code is known.
        Guard(StartParts);
        while (!Finished)
            _loop!.RunOnce();

        int code = FinalExitCode(RunExitCode());
        Guard(() => _readiness?.Stop());
        Guard(() => new Stopping(_settings, _selfPid, _loop!, _exits!, _services, _main).Run());
        Guard(() => WriteLastLines(code));
        return code;
    }

    /// <summary>Everything that can still fail with one line and exit 125, before any child exists.</summary>
    private int SetUp()
    {
        ProcFs.Check();
        _signals = SignalSource.Open(_startup.handled, out Errno error);
        if (_signals is null)
            return SetupFailure("signalfd", error);
        _loop = EventLoop.Create(out error);
        if (_loop is null)
            return SetupFailure("epoll_create1", error);
        error = _loop.Watch(_signals.Fd, Sys.EPOLLIN, _ => OnSignals());
        if (error != 0)
            return SetupFailure("epoll_ctl", error);

        if (_settings.EventsTarget is string target)
        {
            _stream = EventStream.Open(target, _events.Fanout, out string? streamError);
            if (_stream is null)
            {
                Log.Error(streamError!);
                return (int)ExitCodes.UsageOrSetupError;
            }
        }

        _readiness = ReadinessCoordinator.Create(_settings.ReadinessOptions(), _template, _startup.envp, _loop, _events, _selfPid, out string? readinessError);
        if (readinessError is not null)
        {
            Log.Error(readinessError);
            return (int)ExitCodes.UsageOrSetupError;
        }

        if (_settings.Services.Count > 0)
            _services = new ServiceSupervisor(_settings.ServiceOptions(), _template, _loop, _events, _readiness);
        _readiness?.Attach(_services, StartHeldMain);
        _exits = new ExitDispatch(_events, _main, _services, _settings.WarnOnReap, _readiness) { Due = true };
        if (_settings.ControlPath is string controlPath)
        {
            _control = ControlListener.Open(controlPath, _loop, new ControlCommands(_main, _services, _readiness), _events.Fanout, out string? controlError);
            if (_control is null)
            {
                Log.Error(controlError!);
                return (int)ExitCodes.UsageOrSetupError;
            }
        }

        RegisterAsReaper();
        if (_settings.ParentDeathSignal != 0)
        {
            int parent = LibC.getppid();
            if (Sys.prctl(Sys.PR_SET_PDEATHSIG, (nuint)_settings.ParentDeathSignal, 0, 0, 0) < 0)
                return SetupFailure("prctl(PR_SET_PDEATHSIG)", Errors.Last());

            // The parent may have died before prctl took effect: then nobody will send the signal.
            if (LibC.getppid() != parent)
                LibC.kill(_selfPid, _settings.ParentDeathSignal);
        }

        return 0;
    }

    /// <summary>What can wait until the main child runs: the turn order, non-blocking output, the services.</summary>
    private void StartParts()
    {
        // Exits first, so a deadline never acts on a child that has already exited in this turn;
        // the event stream last, so it writes what the turn published.
        _loop!.AddWork(_exits!);
        if (_main is not null)
            _loop.AddWork(_main);
        if (_services is not null)
            _loop.AddWork(_services);
        if (_readiness is not null)
            _loop.AddWork(_readiness);
        if (_stream is not null)
        {
            _stream.Attach(_loop);
            _loop.AddWork(_stream);
        }

        if (_control is not null)
            _loop.AddWork(_control);

        _stderr = OutputChannel.Open(2, "stderr");
        _stderr.Attach(_loop);
        Log.Stderr = _stderr;
        if (_settings.TagOutput && _services is not null)
        {
            _stdout = OutputChannel.Open(1, "stdout");
            _stdout.Attach(_loop);
            _services.TagOutputTo(_stdout, _stderr);
        }

        _services?.StartAll();
    }

    private void RegisterAsReaper()
    {
        if (_settings.Subreaper)
        {
            if (Sys.prctl(Sys.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                Log.Warn($"could not register as child subreaper: {Errors.Describe(Errors.Last())}; orphans will not be reaped");
            else
                Log.Debug("registered as child subreaper");
        }
        else if (_selfPid != 1)
        {
            Log.Warn("not running as PID 1 and not a subreaper (-s): orphaned descendants will not be reaped by tinyinit");
        }
    }

    /// <summary>The tagged output left in the pipes, the terminal, the shutdown line, then what stdout and stderr still hold.</summary>
    private void WriteLastLines(int code)
    {
        long deadline = Deadline.In(FinalWriteLimit);
        _services?.DrainOutput();
        _main?.GiveBackTerminal();
        _stream?.WriteShutdown(code, EventPublisher.Now(), deadline);
        _control?.WriteShutdown(code, EventPublisher.Now(), deadline);
        _events.Fanout.Complete();
        _stdout?.FlushBefore(deadline);

        // Log.Stderr stays: a blocking write to a stderr nobody reads would hang tinyinit at exit.
        _stderr?.FlushBefore(deadline);
    }

    /// <summary>The main child's spawn, with what readiness adds to it (its environment, a notification pipe).</summary>
    /// <returns>0, or the exit code for the failure (127, 126), already logged.</returns>
    private int SpawnMain()
    {
        SpawnRequest request = _readiness?.PrepareMainSpawn(_template) ?? _template;
        int error = _main!.Spawn(request, _startup.argv + _settings.CommandIndex);
        _readiness?.OnMainSpawned(error == 0 ? _main.Child!.Pid : 0);
        return error;
    }

    /// <summary>--after main=…: the services the main command waits for are ready.</summary>
    private void StartHeldMain()
    {
        int error = SpawnMain();
        if (error != 0)
            _heldMainSpawnError = error;
    }

    /// <summary>Runs one step after the spawn: an exception is logged and tinyinit carries on.</summary>
    private static void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (Exception e)
        {
            Log.Error($"internal error, carrying on: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static int SetupFailure(string call, Errno error)
    {
        Log.Error($"{call}: {Errors.Describe(error)}");
        return (int)ExitCodes.UsageOrSetupError;
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _control?.Dispose();
        _services?.Dispose();
        _readiness?.Dispose();
        _main?.Dispose();
        _signals?.Dispose();
        _stdout?.Dispose();
        _stderr?.Dispose();
        _loop?.Dispose();
    }
}
