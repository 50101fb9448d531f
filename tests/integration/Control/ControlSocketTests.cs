using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Control;

/// <summary>--control PATH: the socket file's life (mode, before the child, gone at exit, stale and live ones) and ctl's exit codes.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ControlSocketTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void TheSocketExistsBeforeTheChildIsOnlyForItsOwnerAndIsGoneAfterExit(InitMode mode)
    {
        string socket = CtlClient.TempSocket();
        var environment = new Dictionary<string, string?> { ["TINYINIT_CONTROL"] = socket };
        using var run = InitRun.Start(output, mode, environment,
            "--", "sh", "-c", "test -S \"$TINYINIT_CONTROL\" && echo socket before child; read line; exit 4");
        run.WaitForLine("socket before child");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        JsonElement main = Assert.Single(CtlClient.Status(socket));
        Assert.Equal("running", main.GetProperty("state").GetString());
        Assert.Equal("sh", main.GetProperty("command").GetString());

        run.CloseStdin();
        Assert.Equal(4, run.WaitForExit());
        Assert.False(File.Exists(socket), "the socket file must be removed at exit");
        (int code, _, string stderr) = CtlClient.Run(socket, "status");
        Assert.Equal(2, code);
        Assert.Contains("No such file or directory", stderr);
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AStaleSocketIsReplacedALiveOneIsAUsageErrorAndAnotherFileIsLeftAlone(InitMode mode)
    {
        string socket = CtlClient.TempSocket();
        string regular = CtlClient.TempSocket();
        try
        {
            // A tinyinit that is killed leaves its socket file behind, with nobody listening on it.
            using (var killed = InitRun.Start(output, mode, ["--control", socket, "--", .. InitRun.Probe("signals")]))
            {
                killed.WaitForReady();
                Assert.Equal(0, Native.kill(killed.InitPid, Native.SIGKILL));
                killed.WaitForExit();
            }

            Assert.True(File.Exists(socket), "a killed tinyinit cannot remove its socket");
            using var run = InitRun.Start(output, mode, ["--control", socket, "--", .. InitRun.Probe("signals")]);
            int child = run.WaitForReady();
            JsonElement main = Assert.Single(CtlClient.Status(socket));
            Assert.Equal(child, main.GetProperty("pid").GetInt32());

            using (var second = InitRun.Start(output, InitMode.Subreaper, "--control", socket, "--", "true"))
            {
                Assert.Equal(125, second.WaitForExit());
                Assert.Contains($"--control '{socket}': a process is listening on it already", second.Stderr);
            }

            Assert.Single(CtlClient.Status(socket));

            File.WriteAllText(regular, "not a socket");
            using (var third = InitRun.Start(output, InitMode.Subreaper, "--control", regular, "--", "true"))
            {
                Assert.Equal(125, third.WaitForExit());
                Assert.Contains("the file exists and is not a socket", third.Stderr);
            }

            Assert.Equal("not a socket", File.ReadAllText(regular));
            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());
            Assert.False(File.Exists(socket));
        }
        finally
        {
            File.Delete(socket);
            File.Delete(regular);
        }
    }

    [Fact]
    public void CtlSaysWhyItCannotReachTinyinitAndExits2OrOnBadUsage125()
    {
        (int code, _, string stderr) = CtlClient.Run(null, "status");
        Assert.Equal(2, code);
        Assert.Equal("tinyinit ctl: no control socket given: use --control PATH or set TINYINIT_CONTROL (the path tinyinit listens on)\n", stderr);

        (code, _, stderr) = CtlClient.Run(CtlClient.TempSocket(), "status");
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot connect to", stderr);

        (code, _, stderr) = CtlClient.Run(CtlClient.TempSocket(), "frobnicate");
        Assert.Equal(125, code);
        Assert.Contains("frobnicate", stderr);

        (code, _, stderr) = CtlClient.Run(CtlClient.TempSocket(), "stop", "a b");
        Assert.Equal(125, code);
        Assert.Contains("'a b' is not a name or a signal", stderr);

        (code, string stdout, _) = CtlClient.Run(null, "--help");
        Assert.Equal(0, code);
        Assert.Contains("tinyinit ctl [command] [options]", stdout);
    }
}
