using System.Text;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// Procfiles and service commands from an hour of hostile use (issue 9): files that hang or
/// exhaust memory when read, bytes lost on the way to the shell, errors that echo junk.
/// </summary>
public sealed class HostileProcfileTests(ITestOutputHelper output) : IDisposable
{
    private const int O_RDWR = 2;
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyinit-hostile-").FullName;

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AProcfileThatIsAFifoWithNoWriterIsRefusedAtOnce(InitMode mode)
    {
        // open(2) of a FIFO for reading blocks until a writer comes, and SIGTERM is blocked by then.
        string fifo = Fifo();
        using var run = InitRun.Start(output, mode, "--procfile", fifo, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, $"Procfile '{fifo}' is a FIFO or pipe with no writer and nothing in it");
    }

    [Fact]
    public void AProcfileFromAPipeThatNeverEndsIsRefused()
    {
        // The test holds the FIFO open read-write: a writer exists but never writes nor closes.
        string fifo = Fifo();
        int holder = Native.open(fifo, O_RDWR);
        try
        {
            using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", fifo, "--", "true");
            Assert.Equal(125, run.WaitForExit(TimeSpan.FromSeconds(30)));
            AssertOneErrorLine(run, $"Procfile '{fifo}': the pipe did not reach end of file within 5s");
        }
        finally
        {
            Native.close(holder);
        }
    }

    [Theory]
    [InlineData("/dev/zero", "is a character device")]
    [InlineData("/dev/null", "is a character device")]
    public void AProcfileThatIsADeviceIsRefusedAtOnce(string path, string expected)
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", path, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, $"Procfile '{path}' {expected}: a Procfile must be a regular file or a pipe");
    }

    [Fact]
    public void AProcfileThatIsADirectorySaysSo()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", _dir, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, $"Procfile '{_dir}' is a directory: a Procfile must be a regular file or a pipe");
    }

    [Fact]
    public void AProcfileLargerThanOneMebibyteIsRefused()
    {
        string big = Path.Combine(_dir, "Procfile");
        using (FileStream stream = File.Create(big))
            stream.SetLength((1 << 20) + 1);
        using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", big, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, $"Procfile '{big}' is larger than 1 MiB");
    }

    [Theory]
    [InlineData("exec \"$0\" --procfile /dev/stdin \"$@\" < <(printf 'web: echo from a pipe\\n')")]
    [InlineData("exec \"$0\" --procfile <(printf 'web: echo from a pipe\\n') \"$@\"")]
    public void AProcfileCanComeFromAPipe(string wrapper)
    {
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, ["bash", "-c", wrapper],
            "--restart", "never", "--", "sh", "-c", "sleep 1000 & wait");
        run.WaitForLine("from a pipe");
        run.Signal(Native.SIGTERM);
        Assert.Equal(143, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void AProcfileLineKeepsItsBytes()
    {
        string procfile = Path.Combine(_dir, "Procfile");
        File.WriteAllBytes(procfile, [.. "latin: printf '%s\\n' caf"u8, 0xE9, .. "\n"u8]);
        using var run = InitRun.Start(output, InitMode.Subreaper, "--restart", "never", "--procfile", procfile, "--", "sh", "-c", "read line || true");
        AssertBytesReachTheShell(run);
    }

    [Fact]
    public void AServiceValueKeepsItsBytes()
    {
        // .NET cannot pass a byte that is not UTF-8 in an argument: the shell puts it there.
        string[] wrapper = ["sh", "-c", "exec \"$0\" --service \"latin=printf '%s\\n' caf$(printf '\\351')\" \"$@\""];
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, wrapper, "--restart", "never", "--", "sh", "-c", "read line || true");
        AssertBytesReachTheShell(run);
    }

    [Fact]
    public void ANulByteInAProcfileLineIsAnErrorNamingTheLine()
    {
        string procfile = Path.Combine(_dir, "Procfile");
        File.WriteAllBytes(procfile, [.. "web: ./web\nworker: ./work"u8, 0, .. "er --fast\n"u8]);
        using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", procfile, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, $"{procfile}:2: the line holds a NUL byte");
    }

    [Fact]
    public void RandomBytesInAProcfileAreQuotedAndCut()
    {
        // A line of 1000 random bytes (no newline, NUL or ':') before ': cmd': its name is echoed.
        var random = new Random(9);
        byte[] junk = new byte[1000];
        random.NextBytes(junk);
        for (int i = 0; i < junk.Length; i++)
        {
            if (junk[i] is (byte)'\n' or 0 or (byte)':')
                junk[i] = 0x1B;
        }

        string procfile = Path.Combine(_dir, "Procfile");
        File.WriteAllBytes(procfile, [.. "web: ./web\n"u8, .. junk, .. ": ./cmd\n"u8]);
        using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", procfile, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, $"{procfile}:2: invalid service name '");
        byte[] line = run.StderrBytes;
        Assert.True(line.Length < 300, $"{line.Length} bytes echoed:\n{run.Stderr}");
        Assert.DoesNotContain(line[..^1], b => b < 0x20 || b >= 0x7F);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Fifo()
    {
        string fifo = Path.Combine(_dir, "fifo");
        Assert.Equal(0, Native.mkfifo(fifo, Convert.ToInt32("600", 8)));
        return fifo;
    }

    private static void AssertBytesReachTheShell(InitRun run)
    {
        byte[] expected = [.. "caf"u8, 0xE9, (byte)'\n'];
        run.WaitUntil(() => run.StdoutBytes.AsSpan().IndexOf(expected) >= 0, "the service to print caf\\xe9");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    internal static void AssertOneErrorLine(InitRun run, string expected)
    {
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains("WARN not running as PID 1", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + run.Stderr);
        Assert.StartsWith("[tinyinit] ERROR ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }
}
