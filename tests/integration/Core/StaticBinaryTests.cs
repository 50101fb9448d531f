using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Core;

/// <summary>
/// The binary is static: it runs in a root that holds nothing but itself, no libc and no dynamic
/// loader, as in a FROM scratch image (docs/design.md, Start-up and memory). The child is
/// tinyinit itself (--version), the only program there is.
/// </summary>
public sealed class StaticBinaryTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tinyinit-bare-root-").FullName;

    [Fact]
    public void RunsOnTheHostInARootWithoutLibc()
    {
        string binary = CopyIntoRoot();
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, ["chroot", _root], "--", binary, "--version");
        Assert.Equal(0, run.WaitForExit());
        Assert.StartsWith("0.1.0", run.WaitForLine(line => line.Length > 0));
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void RunsAsPid1InARootWithoutLibc()
    {
        string binary = CopyIntoRoot();
        using var run = InitRun.StartWrapped(output, InitMode.Plain,
            ["unshare", "--pid", "--fork", "--kill-child", "--root=" + _root], "--", binary, "--version");
        Assert.Equal(0, run.WaitForExit());
        Assert.StartsWith("0.1.0", run.WaitForLine(line => line.Length > 0));
        Assert.DoesNotContain("not running as PID 1", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Copies the binary under test to the same path inside the root, so the harness's path names it there too.</summary>
    private string CopyIntoRoot()
    {
        string inside = Path.Combine(_root, Paths.TinyInit.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(inside)!);
        File.Copy(Paths.TinyInit, inside);
        Assert.Single(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
        return Paths.TinyInit;
    }
}
