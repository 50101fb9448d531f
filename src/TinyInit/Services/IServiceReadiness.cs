using TinyInit.Spawning;

namespace TinyInit.Services;

/// <summary>
/// What the <see cref="ServiceSupervisor"/> asks about each run of a service when readiness and
/// start order are in play (--ready, --after, NOTIFY_SOCKET): whether it may start now, what its
/// spawn needs (its environment, a notification pipe), and when a run begins and ends.
/// </summary>
internal interface IServiceReadiness
{
    /// <summary>Whether every service it waits for is ready; if not, it is started once they are.</summary>
    bool MayStart(string name);

    /// <summary>The spawn request for one run, with the environment and fds readiness needs.</summary>
    SpawnRequest PrepareSpawn(string name, in SpawnRequest request);

    /// <summary>A run was spawned as <paramref name="pid"/>; 0: the spawn failed.</summary>
    void OnSpawned(string name, int pid);

    /// <summary>The run has exited.</summary>
    void OnExited(string name);
}
