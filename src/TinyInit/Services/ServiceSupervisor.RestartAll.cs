using System.Collections.Generic;
using System.Diagnostics;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Reaping;
using TinyInit.Spawning;
using TinyInit.Text;

namespace TinyInit.Services;

/// <summary>The restart signal (SIGHUP): every service restarted one at a time, as procmon's restartAll does.</summary>
internal sealed partial class ServiceSupervisor
{
    /// <summary>The restart signal: restart every service, one at a time, each once the previous one is back.</summary>
    public void RestartAll()
    {
        if (_stopping)
            return;
        Log.Info("restarting every service, one at a time");
        foreach (ServiceRuntime service in _services)
        {
            if (!_restartQueue.Contains(service) && service != _restarting)
                _restartQueue.Enqueue(service);
        }

        if (_restarting is null)
            ContinueRestartingAll();
    }

    private void ContinueRestartingAll()
    {
        while (_restartQueue.TryDequeue(out ServiceRuntime? service))
        {
            if (service.Child is not null)
            {
                _restarting = service;
                Stop(service, Deadline.None, sendTerm: true);
                return;
            }

            // Not running (waiting out a delay, or not restarted by its policy): start it now.
            service.Backoff.Reset();
            Start(service);
        }
    }
}
