namespace TinyInit.Supervision;

/// <summary>Receives each exit the <see cref="Reaper"/> finds, before the pid is released.</summary>
internal interface IExitSink
{
    /// <summary>Called for each exit; while <see cref="ObserversPresent"/>, before the pid is released.</summary>
    void OnExit(int pid, ExitStatus status);

    /// <summary>Whether anyone outside the loop sees exits (event subscribers): then each pid is held until its exit is published.</summary>
    bool ObserversPresent { get; }
}
