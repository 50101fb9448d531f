using System;
using System.IO;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>A directory of its own for one test (go-files, sockets, event files), removed at the end.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string what)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tinyinit-{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path in the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Creates an empty file: the signal a waiting child polls for.</summary>
    public void Touch(string name) => System.IO.File.WriteAllText(File(name), "");

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
