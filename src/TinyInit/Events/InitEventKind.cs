namespace TinyInit.Events;

/// <summary>What an <see cref="InitEvent"/> reports; the <c>event</c> field of the event stream.</summary>
internal enum InitEventKind
{
    /// <summary>A child was started: the main command or a service.</summary>
    Spawn,

    /// <summary>A signal reached tinyinit and was forwarded (possibly rewritten) or dropped.</summary>
    Signal,

    /// <summary>A child was reaped: main, service or orphan.</summary>
    Exit,

    /// <summary>--timeout expired for the main command.</summary>
    Timeout,

    /// <summary>A service will be started again after a delay (0: at once).</summary>
    Restart,

    /// <summary>A service or the main command with --ready said it is ready.</summary>
    Ready,
}
