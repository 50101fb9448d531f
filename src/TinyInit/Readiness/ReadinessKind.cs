namespace TinyInit.Readiness;

/// <summary>How a service (or the main command) says it is ready: the <c>--ready NAME=MODE</c> modes.</summary>
internal enum ReadinessKind
{
    /// <summary>sd_notify(3): it sends <c>READY=1</c> to the datagram socket named by <c>NOTIFY_SOCKET</c>.</summary>
    Notify,

    /// <summary>s6's notification-fd: it writes a newline to the pipe it was given at fd N.</summary>
    Fd,

    /// <summary>A command, run with <c>/bin/sh -c</c> every --ready-interval, exits 0.</summary>
    Check,
}
