using System.Collections.Generic;
using TinyInit.Text;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Loop;

namespace TinyInit.Services;

/// <summary>
/// What 'tinyinit ctl' can ask of one service: its status, stop, start, restart, a signal. Each
/// call acts at once and says what it did, on the loop's thread like the rest of the supervisor.
///
/// A service stopped by hand is held: no restart policy, restart delay or restart signal starts it
/// again until it is started by hand (supervisorctl and s6-svc -d behave alike). A restart by hand
/// stops it as a stop does (SIGTERM to its group, SIGKILL after its kill timeout) and starts it again
/// as soon as it has exited, whatever its policy, with its restart delay reset.
/// </summary>
internal sealed partial class ServiceSupervisor
{
    /// <summary>The service called <paramref name="name"/>, or null.</summary>
    public ServiceRuntime? Find(string name) => _services.Find(service => service.Name == name);

    /// <summary>The services in definition order, as they are now.</summary>
    public List<ServiceStatus> Statuses()
    {
        var statuses = new List<ServiceStatus>(_services.Count);
        foreach (ServiceRuntime service in _services)
        {
            statuses.Add(new ServiceStatus(service.Name, service.Definition.Command, service.Child?.Pid ?? 0, StateOf(service),
                int.Max(0, service.Runs - 1), service.LastExit, service.ChangedAt, service.RestartAt));
        }

        return statuses;
    }

    /// <summary>Stops the service and holds it stopped.</summary>
    /// <returns>Always true (stopping what is stopped is no error), and what was done.</returns>
    public bool TryStop(ServiceRuntime service, out string message)
    {
        service.HeldStopped = true;
        service.StartWhenStopped = false;
        if (service.Child is TrackedChild child)
        {
            if (service.KillAt != Deadline.None)
            {
                message = $"service '{service.Name}' (pid {child.Pid}) is already stopping; it stays stopped";
                return true;
            }

            Stop(service, Deadline.None, sendTerm: true);
            message = $"sent SIGTERM to service '{service.Name}' (process group {child.Pid}), SIGKILL in {Durations.Format(service.StopTimeout)} if it has not exited; it stays stopped until 'start'";
            return true;
        }

        bool wasWaiting = service.RestartAt != Deadline.None;
        service.RestartAt = Deadline.None;
        message = wasWaiting
            ? $"service '{service.Name}' was waiting to restart; it stays stopped until 'start'"
            : $"service '{service.Name}' is not running; it stays stopped until 'start'";
        return true;
    }

    /// <summary>Starts the service now unless it runs; one that is stopping is started when it has exited.</summary>
    /// <returns>False when tinyinit is stopping or the spawn failed; true otherwise. And what was done.</returns>
    public bool TryStart(ServiceRuntime service, out string message)
    {
        if (RefuseWhileStopping(out message))
            return false;
        service.HeldStopped = false;
        if (service.Child is TrackedChild child)
        {
            if (service.KillAt == Deadline.None)
            {
                message = $"service '{service.Name}' is already running as pid {child.Pid}";
                return true;
            }

            service.StartWhenStopped = true;
            message = $"service '{service.Name}' (pid {child.Pid}) is stopping; it is started again once it has exited";
            return true;
        }

        return StartNow(service, out message);
    }

    /// <summary>Stops the service (if it runs) and starts it again once it has exited.</summary>
    /// <returns>False when tinyinit is stopping or the spawn failed; true otherwise. And what was done.</returns>
    public bool TryRestart(ServiceRuntime service, out string message)
    {
        if (RefuseWhileStopping(out message))
            return false;
        service.HeldStopped = false;
        if (service.Child is not TrackedChild child)
            return StartNow(service, out message);

        service.StartWhenStopped = true;
        service.Backoff.Reset();
        if (service.KillAt == Deadline.None)
            Stop(service, Deadline.None, sendTerm: true);
        message = $"sent SIGTERM to service '{service.Name}' (process group {child.Pid}), SIGKILL in {Durations.Format(service.StopTimeout)} if it has not exited; it is started again once it has exited";
        return true;
    }

    /// <summary>Sends a signal to the service's process group.</summary>
    /// <returns>False when it does not run or the signal could not be sent; and what happened.</returns>
    public bool TrySignal(ServiceRuntime service, int sig, out string message)
    {
        if (service.Child is not TrackedChild child)
        {
            message = $"service '{service.Name}' is not running";
            return false;
        }

        int error = child.Signal(sig, wholeGroup: true);
        message = error == 0
            ? $"sent {SignalNames.Name(sig)} to service '{service.Name}' (process group {child.Pid})"
            : $"sending {SignalNames.Name(sig)} to service '{service.Name}' (pid {child.Pid}): {Errors.Describe(error)}";
        return error == 0;
    }

    /// <summary>Handles an exit that 'ctl stop' or 'ctl restart' asked for.</summary>
    /// <returns>Whether it was one; otherwise the restart policy decides.</returns>
    private bool TakeRequestedExit(ServiceRuntime service, int pid, string how)
    {
        if (service.HeldStopped)
        {
            Log.Info($"service '{service.Name}' (pid {pid}) stopped by 'tinyinit ctl stop': {how}");
            return true;
        }

        if (!service.StartWhenStopped)
            return false;
        Log.Info($"service '{service.Name}' (pid {pid}) stopped for 'tinyinit ctl restart': {how}");
        service.Backoff.Reset();
        Start(service);
        return true;
    }

    private bool StartNow(ServiceRuntime service, out string message)
    {
        service.Backoff.Reset();
        Start(service);
        if (service.Child is TrackedChild started)
        {
            message = $"started service '{service.Name}' as pid {started.Pid}";
            return true;
        }

        message = $"service '{service.Name}' could not be started (see tinyinit's log); it is tried again after its restart delay";
        return false;
    }

    private bool RefuseWhileStopping(out string message)
    {
        message = _stopping ? "tinyinit is stopping: no service is started any more" : "";
        return _stopping;
    }

    private ServiceState StateOf(ServiceRuntime service)
    {
        if (service.Child is not null)
            return service.KillAt == Deadline.None ? ServiceState.Running : ServiceState.Stopping;
        if (service.RestartAt != Deadline.None)
            return ServiceState.Waiting;
        return service.HeldStopped || _stopping ? ServiceState.Stopped : ServiceState.Exited;
    }
}
