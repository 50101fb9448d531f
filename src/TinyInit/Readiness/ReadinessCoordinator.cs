using System;
using System.Collections.Generic;
using System.Diagnostics;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Reaping;
using TinyInit.Services;
using TinyInit.Spawning;
using TinyInit.Text;

namespace TinyInit.Readiness;

/// <summary>
/// Overview: readiness and start order (--ready, --after, --ready-timeout) and sd_notify upward
/// (docs/design.md, "Readiness and order"). One <see cref="ReadinessUnit"/> per service and one for
/// the main command. A unit due to start waits (is held) until every unit it depends on is ready,
/// and is started the moment the last one becomes ready; a unit without --ready is ready once
/// spawned. A run that exits is no longer ready; its dependents that already run are left alone.
///
/// Everything runs on the loop's thread, in bounded steps: the notify socket and the fd:N pipes are
/// fds watched by the loop (at most <see cref="MaxMessagesPerTurn"/> datagrams per wake-up), the
/// check tries and the --ready-timeout deadlines are this part's turn work, and a check try's exit
/// comes from the one reaper through <see cref="OnCheckExit"/>. Nothing here blocks: the upward
/// messages go through <see cref="UpwardNotifier"/>.
/// </summary>
internal sealed unsafe partial class ReadinessCoordinator : ITurnWork, IServiceReadiness, IDisposable
{
    private const int MaxMessagesPerTurn = 32;

    private readonly ReadinessPlan _plan;
    private readonly TimeSpan? _timeout;
    private readonly EventLoop _loop;
    private readonly EventPublisher _events;
    private readonly int _selfPid;
    private readonly string? _mainCommand;
    private readonly ChildEnvironment _environment;
    private readonly NotifySocket? _socket;
    private readonly UpwardNotifier? _upward;
    private readonly CheckRunner? _checks;
    private readonly Action<int, NotifyMessage> _onMessage;
    private readonly Dictionary<string, ReadinessUnit> _services = new(StringComparer.Ordinal);
    private readonly List<ReadinessUnit> _units = [];
    private readonly ReadinessUnit? _main;
    private ServiceSupervisor? _supervisor;
    private Action? _startMain;
    private bool _announcedReady;
    private bool _stopping;

    private ReadinessCoordinator(ReadinessOptions options, in SpawnRequest template, EventLoop loop, EventPublisher events, int selfPid,
        ChildEnvironment environment, NotifySocket? socket, UpwardNotifier? upward)
    {
        _plan = options.Plan;
        _timeout = options.Timeout;
        _loop = loop;
        _events = events;
        _selfPid = selfPid;
        _mainCommand = options.MainCommand;
        _environment = environment;
        _socket = socket;
        _upward = upward;
        _checks = _plan.Uses(ReadinessKind.Check) ? new CheckRunner(template, environment) : null;
        _onMessage = OnMessage;
        foreach (ServiceDefinition service in options.Services)
            _services[service.Name] = Add(service.Name, isMain: false, options.Interval);
        if (options.MainCommand is not null)
        {
            _main = Add(DependencyGraph.Main, isMain: true, options.Interval);
            _main.IsHeld = _main.Dependencies.Count > 0;
            if (_main.IsHeld)
                Log.Info($"{_main.Description} waits for {string.Join(", ", _main.Dependencies)}");
        }
    }

    /// <summary>Whether the main command waits for services (--after main=…): it is then started by this part.</summary>
    public bool HoldsMain => _main?.IsHeld ?? false;

    public long NextDeadline
    {
        get
        {
            long next = Deadline.None;
            foreach (ReadinessUnit unit in _units)
                next = Math.Min(next, Math.Min(unit.TimeoutAt, unit.Check?.NextDeadline ?? Deadline.None));
            return next;
        }
    }

    public bool HasPendingWork => false;

    /// <summary>The coordinator, or null when nothing asks for one (no --ready, no --after, no NOTIFY_SOCKET).</summary>
    /// <param name="error">A one-line setup error when the result is null for a failure.</param>
    public static ReadinessCoordinator? Create(ReadinessOptions options, in SpawnRequest template, byte** envp, EventLoop loop, EventPublisher events, int selfPid, out string? error)
    {
        error = null;
        UpwardNotifier? upward = UpwardNotifier.FromEnvironment();
        var environment = new ChildEnvironment(envp);
        if (options.Plan.IsEmpty && upward is null && !environment.HadNotifySocket)
            return null;

        NotifySocket? socket = null;
        if (options.Plan.Uses(ReadinessKind.Notify) && (socket = NotifySocket.Open(out error)) is null)
            return null;
        var coordinator = new ReadinessCoordinator(options, template, loop, events, selfPid, environment, socket, upward);
        if (socket is not null && loop.Watch(socket.Fd, Sys.EPOLLIN, _ => socket.ReadBatch(MaxMessagesPerTurn, coordinator._onMessage)) is Errno watchError and not 0)
        {
            error = $"epoll_ctl: {Errors.Describe(watchError)}";
            coordinator.Dispose();
            return null;
        }

        return coordinator;
    }

    /// <summary>Who starts held units: the supervisor (services) and <paramref name="startMain"/> (the main command).</summary>
    public void Attach(ServiceSupervisor? supervisor, Action startMain)
    {
        _supervisor = supervisor;
        _startMain = startMain;
    }

    public bool MayStart(string name)
    {
        ReadinessUnit unit = _services[name];
        if (DependenciesReady(unit))
        {
            unit.IsHeld = false;
            return true;
        }

        if (!unit.IsHeld)
            Log.Info($"{unit.Description} waits for {string.Join(", ", unit.Dependencies)}");
        unit.IsHeld = true;
        return false;
    }

    public SpawnRequest PrepareSpawn(string name, in SpawnRequest request) => Prepare(_services[name], request);

    public void OnSpawned(string name, int pid) => Spawned(_services[name], pid);

    public void OnExited(string name) => _services[name].EndRun();

    /// <summary>The main command's spawn request: its environment and fds.</summary>
    public SpawnRequest PrepareMainSpawn(in SpawnRequest request) => Prepare(_main!, request);

    /// <summary>The main command was spawned as <paramref name="pid"/>; 0: the spawn failed.</summary>
    public void OnMainSpawned(int pid) => Spawned(_main!, pid);

    /// <summary>Which service a readiness check try belongs to, for the exit's event; null when pid is not one.</summary>
    public string? CheckOwner(int pid) => _checks?.OwnerOf(pid)?.Name;

    /// <summary>Takes the exit of a check try (see <see cref="CheckOwner"/>).</summary>
    public void OnCheckExit(int pid, ExitStatus status)
    {
        if (_checks?.OnExit(pid, status) is ReadinessUnit ready)
            MarkReady(ready);
    }

    /// <summary>Starts the check tries that are due, kills those past their interval, fails the services past --ready-timeout.</summary>
    public void OnTurn(long now)
    {
        foreach (ReadinessUnit unit in _units)
        {
            _checks?.OnTurn(unit, now);
            if (now >= unit.TimeoutAt)
                FailNotReady(unit);
        }
    }

    /// <summary>tinyinit begins to stop: nothing held is started, no check is tried, and the engine is told STOPPING=1.</summary>
    public void Stop()
    {
        _stopping = true;
        foreach (ReadinessUnit unit in _units)
        {
            unit.IsHeld = false;
            unit.StopWatching();
        }

        _upward?.Send(_loop, "STOPPING=1");
    }

    private ReadinessUnit Add(string name, bool isMain, TimeSpan interval)
    {
        ReadinessMode? mode = _plan.ModeOf(name);
        ReadinessCheck? check = mode is { Kind: ReadinessKind.Check } ? new ReadinessCheck(name, mode.Command!, interval) : null;
        var unit = new ReadinessUnit(name, isMain, mode, _plan.Order.DependenciesOf(name), check);
        _units.Add(unit);
        return unit;
    }

    private SpawnRequest Prepare(ReadinessUnit unit, in SpawnRequest request) => unit.PrepareSpawn(request, _environment, _socket?.Address);

    private void Spawned(ReadinessUnit unit, int pid)
    {
        if (unit.BeginRun(pid, _loop, _timeout, () => MarkReady(unit)))
            MarkReady(unit);
    }

    private void MarkReady(ReadinessUnit unit)
    {
        if (unit.IsReady || unit.Pid == 0)
            return;
        unit.IsReady = unit.WasEverReady = true;
        unit.StopWatching();
        if (unit.Mode is not null)
        {
            TimeSpan after = Stopwatch.GetElapsedTime(unit.SpawnedAt);
            Log.Info($"{unit.Description} (pid {unit.Pid}) is ready, {Durations.Format(after)} after its spawn");
            _events.Publish(new InitEvent(InitEventKind.Ready, EventPublisher.Now(), unit.Pid, unit.IsMain ? _mainCommand : unit.Name, unit.Role, Signal: (long)after.TotalMilliseconds));
        }

        StartHeldDependents();
        AnnounceReadyIfDue();
    }

    private void StartHeldDependents()
    {
        if (_stopping)
            return;
        foreach (ReadinessUnit unit in _units.ToArray())
        {
            // Checked again for each: starting one can make others ready (a service without --ready is ready at once).
            if (!unit.IsHeld || !DependenciesReady(unit))
                continue;
            unit.IsHeld = false;
            if (unit.IsMain)
                _startMain?.Invoke();
            else
                _supervisor?.StartHeld(unit.Name);
        }
    }

    /// <summary>READY=1 upward once the main command is ready; without one, once every service has been ready.</summary>
    private void AnnounceReadyIfDue()
    {
        if (_upward is null || _announcedReady)
            return;
        if (_main is not null ? !_main.IsReady : _units.Exists(unit => !unit.WasEverReady))
            return;
        _announcedReady = true;
        _upward.Send(_loop, "READY=1");
    }

    private bool DependenciesReady(ReadinessUnit unit)
    {
        foreach (string name in unit.Dependencies)
        {
            if (!UnitOf(name)!.IsReady)
                return false;
        }

        return true;
    }

    private void FailNotReady(ReadinessUnit unit)
    {
        unit.StopWatching();
        Log.Warn($"{unit.Description} (pid {unit.Pid}) is not ready {Durations.Format(_timeout!.Value)} after its spawn (--ready-timeout): stopping it");
        _supervisor?.FailNotReady(unit.Name);
    }

    /// <summary>Where the unit of that name (a service, or <c>main</c>) stands, for the control socket's status; null for an unknown name.</summary>
    public ReadinessState? StateOf(string name)
    {
        ReadinessUnit? unit = UnitOf(name);
        if (unit is null)
            return null;
        List<string> waitingFor = [];
        if (unit.IsHeld)
        {
            foreach (string dependency in unit.Dependencies)
            {
                if (!UnitOf(dependency)!.IsReady)
                    waitingFor.Add(dependency);
            }
        }

        return new ReadinessState(unit.IsReady, waitingFor, unit.Status);
    }

    /// <summary>The unit of a service, or of the main command for <c>main</c>; null for an unknown name.</summary>
    private ReadinessUnit? UnitOf(string name) => _plan.Order.IsMain(name) ? _main : _services.GetValueOrDefault(name);

    public void Dispose()
    {
        if (_socket is not null)
        {
            _loop.Unwatch(_socket.Fd);
            _socket.Dispose();
        }

        _upward?.Dispose();
        foreach (ReadinessUnit unit in _units)
            unit.Dispose();
        _checks?.Dispose();
        _environment.Dispose();
    }
}
