using System;
using System.IO;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>Where the binaries under test are: scripts/test.sh builds both into artifacts/bin.</summary>
internal static class Paths
{
    public static string Repository { get; } = FindRepository();

    /// <summary>The native tinyinit binary (override: TINYINIT_BIN).</summary>
    public static string TinyInit { get; } = Require(Environment.GetEnvironmentVariable("TINYINIT_BIN")
        ?? Path.Combine(Repository, "artifacts", "bin", "tinyinit"));

    /// <summary>The probe child, tests/integration/probe/tinyprobe.c (override: TINYPROBE_BIN).</summary>
    public static string Probe { get; } = Require(Environment.GetEnvironmentVariable("TINYPROBE_BIN")
        ?? Path.Combine(Repository, "artifacts", "bin", "tinyprobe"));

    /// <summary>
    /// The python3 that runs the helper scripts: the distribution's (scripts/lib/prereqs.sh installs
    /// it), because a python3 found first in PATH can be a version manager's shim that takes
    /// seconds to start, longer than some deadlines of the tests.
    /// </summary>
    public static string Python { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>A helper script of the tests, in tests/integration/helpers.</summary>
    public static string Helper(string name) => Require(Path.Combine(Repository, "tests", "integration", "helpers", name));

    private static string Require(string path) => File.Exists(path)
        ? path
        : throw new InvalidOperationException($"{path} does not exist: run scripts/test.sh, which builds it");

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TinyInit.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("TinyInit.sln not found above " + AppContext.BaseDirectory);
    }
}
