using TinyInit.Spawning;

namespace TinyInit.Services;

/// <summary>What the <see cref="ServiceSupervisor"/> needs from the event loop that runs it.</summary>
internal interface IServiceHost
{
    /// <summary>How tinyinit starts children: its original signal state and environment.</summary>
    SpawnRequest SpawnTemplate { get; }

    /// <summary>Calls <see cref="ServiceSupervisor.OnReadable"/> when fd has data or reaches EOF.</summary>
    void Watch(int fd);

    void Unwatch(int fd);

    /// <summary>A service was started (pid) or will be restarted (delay): for the event stream.</summary>
    void OnServiceStarted(string name, int pid);

    void OnServiceRestartScheduled(string name, System.TimeSpan delay);
}
