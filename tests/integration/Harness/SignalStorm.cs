using System.Diagnostics;
using System.Threading.Tasks;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>
/// Processes that queue one signal at a target without pause (tinyprobe storm), from the moment
/// <see cref="Start"/> returns until they are disposed or the target is gone. Real-time signals
/// are queued one for one, so a storm of them keeps the target's queue from ever emptying.
/// The senders run on one CPU, the one the target is given (<see cref="Cpu"/>): then their share
/// of it against the target's does not depend on how many cores the machine has or how busy they are.
/// </summary>
internal sealed class SignalStorm : IDisposable
{
    private readonly List<Process> _senders = [];

    private SignalStorm()
    {
    }

    /// <summary>The first CPU this test may run on: the storm and its target share it.</summary>
    public static int Cpu { get; } = int.Parse(ProcTable.StatusField("/proc/self/status", "Cpus_allowed_list")!.Split(',', '-')[0]);

    /// <summary>A wrapper that runs its command on <see cref="Cpu"/>.</summary>
    public static string[] OnStormCpu => ["taskset", "-c", Cpu.ToString()];

    /// <summary>Starts the senders and returns once each has queued its first signal.</summary>
    public static SignalStorm Start(int target, int sig, int senders)
    {
        var storm = new SignalStorm();
        try
        {
            for (int i = 0; i < senders; i++)
            {
                string[] command = [.. OnStormCpu, Paths.Probe, "storm", target.ToString(), sig.ToString()];
                var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, UseShellExecute = false };
                foreach (string arg in command[1..])
                    start.ArgumentList.Add(arg);
                Process sender = Process.Start(start) ?? throw new InvalidOperationException("could not start tinyprobe storm");
                storm._senders.Add(sender);
                Task<string?> first = sender.StandardOutput.ReadLineAsync();
                if (!first.Wait(Poll.DefaultDeadline) || first.Result != "storming")
                    throw new Xunit.Sdk.XunitException($"storm sender {sender.Id} did not start storming");
            }
        }
        catch
        {
            storm.Dispose();
            throw;
        }

        return storm;
    }

    /// <summary>Stops every sender and waits for it.</summary>
    public void Dispose()
    {
        foreach (Process sender in _senders)
        {
            try
            {
                sender.Kill();
            }
            catch (InvalidOperationException)
            {
                // It had already stopped: its target was gone.
            }

            sender.WaitForExit();
            sender.Dispose();
        }

        _senders.Clear();
    }
}
