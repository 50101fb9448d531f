namespace TinyInit.Supervision;

/// <summary>Receives each exit the <see cref="Reaper"/> finds, before the pid is released.</summary>
internal interface IExitSink
{
    void OnExit(int pid, ExitStatus status);
}
