using System;
using System.Collections.Generic;
using System.Diagnostics;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Output;
using TinyInit.Reaping;
using TinyInit.Spawning;
using TinyInit.Text;

namespace TinyInit.Services;

/// <summary>
/// Overview: runs the supervised services (--service, --procfile), after Twisted's procmon.
///
/// Each service runs as <c>/bin/sh -c COMMAND</c> in a process group of its own, so that stopping
/// it reaches whatever the shell started. When one exits and its policy says so, it is started
/// again: at once if it ran longer than the threshold (its delay is reset), otherwise after a
/// delay that doubles each time. Stopping is SIGTERM to the group, then SIGKILL after the kill
/// timeout; stopping everything signals every service at once. The restart signal (SIGHUP)
/// restarts them one at a time, as procmon's restartAll does.
///
/// Constraints: it runs on the event loop's thread and never blocks; all its waiting is deadlines
/// (<see cref="NextDeadline"/>) that the loop sleeps until. Exits reach it from the one reaper. A
/// restart is never a recursive call: a service that cannot even be spawned is always retried
/// after its backoff delay, and one that is due at once is started in the next turn.
/// </summary>
internal sealed partial class ServiceSupervisor : ITurnWork, IDisposable
{
    private readonly ServiceOptions _options;
    private readonly SpawnRequest _template;
    private readonly EventLoop _loop;
    private readonly EventPublisher _events;
    private readonly IServiceReadiness? _readiness;
    private OutputChannel? _stdout;
    private OutputChannel? _stderr;
    private readonly List<ServiceRuntime> _services = [];
    private readonly Dictionary<int, ServiceRuntime> _byPid = [];
    private readonly List<OutputPipe> _pipes = [];
    private readonly Queue<ServiceRuntime> _restartQueue = new();
    private ServiceRuntime? _restarting;
    private bool _stopping;

    /// <param name="options">The services and their restart and stop settings.</param>
    /// <param name="template">How tinyinit starts children: its original signal state and environment.</param>
    /// <param name="loop">Where the tagged-output pipes are watched.</param>
    /// <param name="events">Where spawns and restarts are published.</param>
    /// <param name="readiness">Start order and readiness (--after, --ready), or null when none is declared.</param>
    public ServiceSupervisor(ServiceOptions options, SpawnRequest template, EventLoop loop, EventPublisher events, IServiceReadiness? readiness = null)
    {
        _options = options;
        _template = template;
        _loop = loop;
        _events = events;
        _readiness = readiness;
        foreach (ServiceDefinition definition in options.Services)
        {
            var backoff = new RestartBackoff(options.RestartThreshold, options.MinRestartDelay, options.MaxRestartDelay, RestartBackoff.DefaultFactor);
            _services.Add(new ServiceRuntime(definition, backoff));
        }
    }

    /// <summary>Whether no service has a process running.</summary>
    public bool AllStopped => _byPid.Count == 0;

    /// <summary>How an essential service (--essential) ended, which ends the run; null while none has.</summary>
    public ExitStatus? EssentialExit { get; private set; }

    /// <summary>The earliest restart or kill deadline (Stopwatch timestamp), or long.MaxValue.</summary>
    public long NextDeadline
    {
        get
        {
            long next = Deadline.None;
            foreach (ServiceRuntime service in _services)
                next = Math.Min(next, Math.Min(service.RestartAt, service.KillAt));
            return next;
        }
    }

    public bool HasPendingWork => false;

    /// <summary>--tag-output: the services' stdout and stderr go through pipes, tagged, to these.</summary>
    public void TagOutputTo(OutputChannel stdout, OutputChannel stderr)
    {
        _stdout = stdout;
        _stderr = stderr;
    }

    public void StartAll()
    {
        foreach (ServiceRuntime service in _services)
            Start(service);
    }

    /// <summary>The name of the service whose process pid is, or null.</summary>
    public string? NameOf(int pid) => _byPid.TryGetValue(pid, out ServiceRuntime? service) ? service.Name : null;

    /// <summary>Handles the exit of pid if it is a service's.</summary>
    /// <returns>Whether it was.</returns>
    public bool OnExit(int pid, ExitStatus status)
    {
        if (!_byPid.Remove(pid, out ServiceRuntime? service))
            return false;

        long now = Stopwatch.GetTimestamp();
        TimeSpan ranFor = Stopwatch.GetElapsedTime(service.StartedAt, now);
        service.Child!.MarkExited(status);
        service.Child = null;
        service.KillAt = Deadline.None;
        _readiness?.OnExited(service.Name);
        service.LastExit = status;
        service.ChangedAt = now;
        string how = $"{status.Describe()} after {Durations.Format(ranFor)}";

        if (_stopping)
        {
            Log.Info($"service '{service.Name}' (pid {pid}) stopped: {how}");
        }
        else if (service == _restarting)
        {
            Log.Info($"service '{service.Name}' (pid {pid}) stopped for restart: {how}");
            _restarting = null;
            service.Backoff.Reset();
            Start(service);
            ContinueRestartingAll();
        }
        else if (TakeRequestedExit(service, pid, how))
        {
        }
        else if (_options.Essential.Contains(service.Name))
        {
            EndRun(service, $"(pid {pid}) {how}", status);
        }
        else
        {
            ScheduleRestart(service, ranFor, how, status);
        }

        return true;
    }

    /// <summary>Starts the services whose restart delay is over; SIGKILLs those past their kill timeout.</summary>
    public void OnTurn(long now)
    {
        foreach (ServiceRuntime service in _services)
        {
            if (now >= service.RestartAt)
                Start(service);
            if (now >= service.KillAt && service.Child is TrackedChild child)
            {
                service.KillAt = Deadline.None;
                Log.Warn($"service '{service.Name}' (pid {child.Pid}) did not stop within {Durations.Format(service.StopTimeout)}: sending SIGKILL");
                child.Signal(Sys.SIGKILL, wholeGroup: true);
            }
        }
    }

    /// <summary>From now on no service is started again: tinyinit is on its way out.</summary>
    public void StopRestarting()
    {
        _stopping = true;
        _restartQueue.Clear();
        foreach (ServiceRuntime service in _services)
            service.RestartAt = Deadline.None;
    }

    /// <summary>Stops every service at once: SIGTERM now (unless the caller already sent it), SIGKILL at its kill timeout or at notLaterThan.</summary>
    public void StopAll(long notLaterThan, bool sendTerm)
    {
        StopRestarting();
        foreach (ServiceRuntime service in _services)
        {
            if (service.Child is not null)
                Stop(service, notLaterThan, sendTerm);
        }
    }

    /// <summary>Passes on the tagged output the stopped services left in their pipes.</summary>
    public void DrainOutput()
    {
        foreach (OutputPipe pipe in _pipes)
            pipe.DrainRemaining(1 << 20);
    }

    /// <summary>SIGKILL to every service still running.</summary>
    public void KillAll()
    {
        foreach (ServiceRuntime service in _services)
            service.Child?.Signal(Sys.SIGKILL, wholeGroup: true);
    }

    /// <summary>Without a main command, the signals tinyinit does not act on itself go to every service.</summary>
    public void ForwardToAll(int sig)
    {
        foreach (ServiceRuntime service in _services)
            service.Child?.Signal(sig, wholeGroup: true);
    }

    private void OnPipeClosed(OutputPipe pipe)
    {
        _pipes.Remove(pipe);
        pipe.Dispose();
    }

    private void Stop(ServiceRuntime service, long notLaterThan, bool sendTerm)
    {
        TrackedChild child = service.Child!;
        long now = Deadline.Now;
        service.KillAt = Math.Min(Deadline.In(_options.KillTimeout), notLaterThan);
        service.StopTimeout = Stopwatch.GetElapsedTime(now, Math.Max(now, service.KillAt));
        if (!sendTerm)
            return;
        Log.Debug($"stopping service '{service.Name}' (pid {child.Pid}): SIGTERM");
        child.Signal(Sys.SIGTERM, wholeGroup: true);
    }

    /// <summary>--essential: it is not restarted, and the run ends with its status, as with the main child's.</summary>
    private void EndRun(ServiceRuntime service, string how, ExitStatus status)
    {
        Log.Warn($"essential service '{service.Name}' {how}: stopping everything");
        EssentialExit = status;
        StopRestarting();
    }

    private void ScheduleRestart(ServiceRuntime service, TimeSpan ranFor, string how, ExitStatus status)
    {
        // Not ready in time (--ready-timeout) is a failure whatever the exit status after the stop.
        bool failed = service.NotReadyInTime;
        service.NotReadyInTime = false;
        if (failed ? service.Definition.Restart == RestartPolicy.Never : !RestartBackoff.ShouldRestart(service.Definition.Restart, status, stoppedByUs: false))
        {
            Log.Warn($"service '{service.Name}' {how}; not restarted (--restart {RestartPolicies.Name(service.Definition.Restart)})");
            return;
        }

        TimeSpan delay = service.Backoff.NextDelay(ranFor);
        Log.Warn($"service '{service.Name}' {how}; restarting {(delay > TimeSpan.Zero ? "in " + Durations.Format(delay) : "now")}");
        RestartIn(service, delay);
    }

    /// <summary>Arms the restart; the loop starts it when the delay is over (at once: in the next turn).</summary>
    private void RestartIn(ServiceRuntime service, TimeSpan delay)
    {
        _events.Publish(new InitEvent(InitEventKind.Restart, EventPublisher.Now(), Name: service.Name, Role: ChildRole.Service, Signal: (long)delay.TotalMilliseconds));
        service.RestartAt = delay > TimeSpan.Zero ? Deadline.In(delay) : Deadline.Now;
    }

    public void Dispose()
    {
        foreach (OutputPipe pipe in _pipes)
            pipe.Dispose();
        _pipes.Clear();
        foreach (ServiceRuntime service in _services)
            service.Dispose();
    }
}
