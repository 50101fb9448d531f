using System.Text;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// Random command lines against the native binary: whatever the arguments, tinyinit ends with a
/// documented code (0 for --help and friends, 125 usage, 126 or 127 for a command that cannot run) and one
/// ERROR line, never a hang, a crash or an "internal error". PATH names no directory, so no
/// random word can name a real program.
/// </summary>
public sealed class CommandLineFuzzTests(ITestOutputHelper output)
{
    private const int Runs = 150;

    private static readonly string[] Flags =
    [
        "-s", "-g", "-p", "--pdeathsig", "-e", "--remap-exit", "-v", "-vv", "-w", "--grace", "--no-cleanup",
        "--kill-after", "--timeout", "--rewrite", "--service", "--procfile", "--restart", "--restart-threshold",
        "--min-restart-delay", "--max-restart-delay", "--kill-timeout", "--tag-output", "--restart-signal",
        "-h", "--help", "--version", "-l", "--bogus", "--", "-", "-x", "-sp", "-vp",
    ];

    private static readonly string[] Values =
    [
        "", " ", "0", "1", "3s", "500ms", "2m", "1h", "1.5", "99999999h", "-1", "1e9", "TERM", "SIGHUP", "15", "65",
        "RTMIN+1", "RTMAX-1", "RTMIN+99", "KILL", "TERM:QUIT", "USR1:0", "CHLD:TERM", "a=sleep 1", "=x", "a=",
        "web:x", "always", "never", "on-failure", "/dev/zero", "/nonexistent", "2147483648", "\u001b[2J", "\u00e9",
        "\ud83d\ude00", "@file", "fd:3", "a=b=c", "\t", "--grace=1", "-p9",
    ];

    [Fact]
    public void RandomCommandLinesEndInADocumentedCodeWithOneLine()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var env = new Dictionary<string, string?> { ["PATH"] = "/nonexistent-tinyinit-fuzz" };
        for (int i = 0; i < Runs; i++)
        {
            string[] args = RandomArgs(random);
            using var run = InitRun.Start(output, InitMode.Subreaper, env, args);
            int code = run.WaitForExit();
            string what = $"tinyinit -s {string.Join(' ', args.Select(a => $"'{a}'"))} exited {code}, stderr:\n{run.Stderr}";
            Assert.True(code is 0 or 125 or 126 or 127, what);
            Assert.DoesNotContain("internal error", run.Stderr);
            Assert.All(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("[tinyinit] ", l));
            int errors = run.Stderr.Split('\n').Count(l => l.StartsWith("[tinyinit] ERROR ", StringComparison.Ordinal));
            Assert.True(errors == (code == 0 ? 0 : 1), what);
            Assert.True(code != 0 || run.Lines.Count > 0, what);
        }
    }

    private static string[] RandomArgs(Random random)
    {
        var args = new List<string>();
        int count = random.Next(0, 6);
        for (int i = 0; i < count; i++)
        {
            args.Add(Flags[random.Next(Flags.Length)]);
            if (random.Next(3) > 0)
                args.Add(random.Next(4) == 0 ? RandomText(random) : Values[random.Next(Values.Length)]);
        }

        args.Add("--");
        args.Add("no-such-command-" + random.Next());
        return [.. args];
    }

    /// <summary>Up to 20 chars from the whole BMP and a few below 0x20, as argv allows (no NUL).</summary>
    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        int length = random.Next(0, 20);
        for (int i = 0; i < length; i++)
        {
            char c = (char)(random.Next(4) == 0 ? random.Next(1, 0x20) : random.Next(0x20, 0xD800));
            text.Append(c);
        }

        return text.ToString();
    }
}
