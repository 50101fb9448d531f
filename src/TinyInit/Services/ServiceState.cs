namespace TinyInit.Services;

/// <summary>Where a service is in its life, as 'tinyinit ctl status' shows it.</summary>
internal enum ServiceState
{
    /// <summary>Its process runs.</summary>
    Running,

    /// <summary>It was sent SIGTERM (stop, restart, shutdown) and has not exited yet.</summary>
    Stopping,

    /// <summary>It exited and will be started again when its restart delay is over.</summary>
    Waiting,

    /// <summary>Stopped by 'tinyinit ctl stop', or because tinyinit is stopping: not started again.</summary>
    Stopped,

    /// <summary>It exited and its restart policy does not start it again.</summary>
    Exited,
}
