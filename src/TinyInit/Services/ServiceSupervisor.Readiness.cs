using System.Collections.Generic;
using System.Diagnostics;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Reaping;
using TinyInit.Spawning;
using TinyInit.Text;

namespace TinyInit.Services;

/// <summary>What readiness (--after, --ready-timeout) asks of the supervisor.</summary>
internal sealed partial class ServiceSupervisor
{
    /// <summary>Starts a service that waited for its dependencies (--after), unless it runs or tinyinit is stopping.</summary>
    public void StartHeld(string name)
    {
        if (_services.Find(s => s.Name == name) is { Child: null } service && !_stopping)
            Start(service);
    }

    /// <summary>--ready-timeout: stops a service that is not ready in time; its exit then counts as a failure.</summary>
    public void FailNotReady(string name)
    {
        if (_services.Find(s => s.Name == name) is not { Child: not null } service || _stopping)
            return;
        service.NotReadyInTime = true;
        Stop(service, Deadline.None, sendTerm: true);
    }
}
