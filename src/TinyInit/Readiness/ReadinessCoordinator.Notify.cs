using TinyInit.Diagnostics;

namespace TinyInit.Readiness;

/// <summary>The sd_notify messages services send to the notify socket (--ready NAME=notify).</summary>
internal sealed partial class ReadinessCoordinator
{
    /// <summary>
    /// One sd_notify message. It counts for the unit in notify mode whose process sent it, or an
    /// ancestor of the sender (a daemon the service's shell started); anything else is ignored, at
    /// debug level, whoever sent it. The pid can be checked only while the sender runs (or is a
    /// zombie): a sender already reaped by its parent is a stranger.
    /// </summary>
    private void OnMessage(int pid, NotifyMessage message)
    {
        ReadinessUnit? sender = FindSender(pid);
        if (sender is null)
        {
            Log.Debug($"notify message from pid {pid} ignored: not a service in notify mode or one of its descendants");
            return;
        }

        if (message.Status is string status && status != sender.Status)
        {
            sender.Status = status;
            Log.Info($"{sender.Description}: {status}");
        }

        if (message.Ready)
            MarkReady(sender);
    }

    /// <summary>The notify-mode unit whose process is the sender or an ancestor of it; /proc is walked only when the sender is not one itself.</summary>
    private ReadinessUnit? FindSender(int pid)
    {
        if (pid <= 0)
            return null;
        if (NotifyUnitRunning(pid) is ReadinessUnit direct)
            return direct;
        foreach (int ancestor in ProcessAncestry.Of(pid, _selfPid))
        {
            if (NotifyUnitRunning(ancestor) is ReadinessUnit unit)
                return unit;
        }

        return null;
    }

    private ReadinessUnit? NotifyUnitRunning(int pid) =>
        _units.Find(unit => unit.Pid == pid && unit.Mode?.Kind == ReadinessKind.Notify);
}
