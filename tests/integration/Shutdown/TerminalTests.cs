using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Shutdown;

/// <summary>
/// Through a real pseudo-terminal (docker run -it): an interactive shell under tinyinit answers,
/// Ctrl-C interrupts a command inside it, Ctrl-Z stops one (job control), and the exit code comes back.
/// </summary>
public sealed class TerminalTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AnInteractiveShellHasTheTerminalAndJobControl(InitMode mode)
    {
        string[][] steps =
        [
            ["send", "echo hello-$((1+2))\n"],
            ["expect", "hello-3"],
            // The terminal discards type-ahead at Ctrl-C and Ctrl-Z, so each line is typed after them.
            ["send", "echo start-$((5+5)); sleep 1000\n"],
            ["expect", "start-10"],
            ["foreground", "sleep"],
            ["ctrl", "c"],
            ["send", "echo after-$((2+2))\n"],
            ["expect", "after-4"],
            ["send", "echo again-$((4+4)); sleep 1001\n"],
            ["expect", "again-8"],
            ["foreground", "sleep"],
            ["ctrl", "z"],
            ["expect", "Stopped"],
            ["send", "kill -9 %1; echo killed-$((3+3))\n"],
            ["expect", "killed-6"],
            // dash may still count the killed job as stopped and refuse the first exit, as shells do.
            ["send", "exit 5\n"],
            ["send", "exit 5\n"],
        ];
        string driver = Path.Combine(Paths.Repository, "tests", "integration", "pty", "ptydriver.py");
        string[] wrapper = ["python3", driver, JsonSerializer.Serialize(steps), "--"];

        // As PID 1, tinyinit leads a session whose controlling terminal is the pty, as under
        // docker run -it (setsid --ctty); a process group outside the PID namespace would read as 0.
        using var run = mode == InitMode.Pid1
            ? InitRun.StartWrapped(output, InitMode.Plain, [.. wrapper, "unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "setsid", "--ctty"], ["--", "sh", "-i"])
            : InitRun.StartWrapped(output, mode, wrapper, ["--", "sh", "-i"]);
        Assert.Equal(0, run.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal("child-exit 5", run.Lines.Last());
        run.AssertNothingLeftRunning();
    }
}
