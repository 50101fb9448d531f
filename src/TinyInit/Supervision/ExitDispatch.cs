using System;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Loop;
using TinyInit.Readiness;
using TinyInit.Reaping;
using TinyInit.Services;

namespace TinyInit.Supervision;

/// <summary>
/// Overview: each turn, takes the exits the <see cref="Reaper"/> hands back, a bounded number at a
/// time, says whose each one was (the main child, a service, an orphan), publishes it, and gives
/// it to its owner. The owners (main child, services) get their exits directly and can never lose
/// one; observers (the event stream) get them through the bounded fan-out.
///
/// While anyone subscribes to events, each exit is published before its pid is released, so an
/// observer never acts on a recycled pid. An exception in one exit's handling is logged and that
/// zombie is still reaped; the rest of the pass goes on.
/// </summary>
internal sealed class ExitDispatch : ITurnWork
{
    /// <summary>Exits handled per turn: thousands of zombies at once must not hold up signals and deadlines.</summary>
    public const int MaxExitsPerTurn = 256;

    private readonly Reaper _reaper = new();
    private readonly EventPublisher _events;
    private readonly MainChild? _main;
    private readonly ServiceSupervisor? _services;
    private readonly ReadinessCoordinator? _readiness;
    private readonly bool _warnOnReap;

    public ExitDispatch(EventPublisher events, MainChild? main, ServiceSupervisor? services, bool warnOnReap, ReadinessCoordinator? readiness = null)
    {
        _events = events;
        _main = main;
        _services = services;
        _warnOnReap = warnOnReap;
        _readiness = readiness;
    }

    /// <summary>Set by SIGCHLD: children may have exited. Stays set while a pass was cut short.</summary>
    public bool Due { get; set; }

    /// <summary>False once waitid has said ECHILD: tinyinit has no child left at all.</summary>
    public bool HasChildren => _reaper.HasChildren;

    public long NextDeadline => Deadline.None;

    public bool HasPendingWork => Due;

    public void OnTurn(long now)
    {
        if (!Due)
            return;
        Due = false;
        for (int handled = 0; ; handled++)
        {
            if (handled == MaxExitsPerTurn)
            {
                Due = true;
                return;
            }

            bool hold = _events.HasSubscribers;
            if (!_reaper.TryNext(hold, out int pid, out ExitStatus status))
                return;
            try
            {
                Dispatch(pid, status);
            }
            catch (Exception e)
            {
                Log.Error($"internal error handling the exit of pid {pid}, carrying on: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }
            finally
            {
                if (hold)
                    Reaper.Release(pid);
            }
        }
    }

    private void Dispatch(int pid, ExitStatus status)
    {
        bool isMain = _main?.Child is TrackedChild main && main.Pid == pid && main.Exit is null;
        string? service = isMain ? null : _services?.NameOf(pid);
        string? checkOf = isMain || service is not null ? null : _readiness?.CheckOwner(pid);
        if (_events.HasSubscribers)
        {
            (ChildRole role, string? name) = isMain ? (ChildRole.Main, _main!.Child!.Name)
                : service is not null ? (ChildRole.Service, service)
                : checkOf is not null ? (ChildRole.ReadinessCheck, checkOf)
                : (ChildRole.Orphan, ProcFs.CommandName(pid));
            var exit = new ExitEvent(pid, status.Code, status.Signal, status.CoreDumped, name, role, EventPublisher.Now());
            _events.Publish(new InitEvent(InitEventKind.Exit, exit.MonotonicNanoseconds, pid, name, role, Exit: exit));
        }

        if (isMain)
        {
            // A service reaped in the same pass must not be started again: the container is stopping.
            _services?.StopRestarting();
            _main!.OnExit(status);
        }
        else if (service is not null)
        {
            _services!.OnExit(pid, status);
        }
        else if (checkOf is not null)
        {
            _readiness!.OnCheckExit(pid, status);
        }
        else if (_warnOnReap)
        {
            Log.Warn($"reaped zombie pid {pid} ({status.Describe()})");
        }
        else
        {
            Log.Trace($"reaped pid {pid} ({status.Describe()})");
        }
    }
}
