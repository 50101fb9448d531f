using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Core;

/// <summary>tinyinit exits with the main child's code, 128+N when signal N killed it, and -e remaps.</summary>
public sealed class ExitCodeTests(ITestOutputHelper output)
{
    public static TheoryData<InitMode, int> Codes()
    {
        var data = new TheoryData<InitMode, int>();
        foreach (InitMode mode in new[] { InitMode.Pid1, InitMode.Subreaper })
        {
            foreach (int code in new[] { 0, 1, 2, 42, 127, 255 })
                data.Add(mode, code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void ExitCodePassesThrough(InitMode mode, int code)
    {
        using var run = InitRun.Start(output, mode, ["--", .. InitRun.Probe("exit", code.ToString())]);
        Assert.Equal(code, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1, Native.SIGTERM)]
    [InlineData(InitMode.Pid1, Native.SIGKILL)]
    [InlineData(InitMode.Pid1, Native.SIGSEGV)]
    [InlineData(InitMode.Subreaper, Native.SIGTERM)]
    [InlineData(InitMode.Subreaper, Native.SIGKILL)]
    [InlineData(InitMode.Subreaper, Native.SIGSEGV)]
    public void SignalDeathGives128PlusN(InitMode mode, int signal)
    {
        using var run = InitRun.Start(output, mode, ["--", .. InitRun.Probe("raise", signal.ToString())]);
        Assert.Equal(128 + signal, run.WaitForExit());
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void RemapTurnsListedCodesIntoZero(InitMode mode)
    {
        using (var remapped = InitRun.Start(output, mode, ["-e", "3", "--remap-exit", "143", "--", .. InitRun.Probe("exit", "3")]))
            Assert.Equal(0, remapped.WaitForExit());
        using (var signalled = InitRun.Start(output, mode, ["-e", "3", "-e", "143", "--", .. InitRun.Probe("raise", "15")]))
            Assert.Equal(0, signalled.WaitForExit());
        using (var other = InitRun.Start(output, mode, ["-e", "3", "--", .. InitRun.Probe("exit", "4")]))
            Assert.Equal(4, other.WaitForExit());
    }
}
