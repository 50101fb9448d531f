namespace TinyInit.IntegrationTests.Harness;

/// <summary>
/// A FIFO whose reader has stopped reading: the test holds the read end open (so writers get
/// neither EPIPE nor ENXIO) and never reads it. Its buffer is shrunk to one page, so that a few
/// log lines fill it. Deleted on dispose.
/// </summary>
internal sealed class StalledFifo : IDisposable
{
    /// <summary>One page: the smallest buffer a pipe can have (F_SETPIPE_SZ rounds up to it).</summary>
    private const int Capacity = 4096;

    /// <summary>A write that does not fit in what is left of the page waits, so "full" means within one line of it.</summary>
    private const int LongestLine = 512;

    private readonly int _reader;

    private StalledFifo(string path, int reader)
    {
        Path = path;
        _reader = reader;
    }

    public string Path { get; }

    /// <summary>Whether the FIFO is full: whoever writes to it now waits (or, non-blocking, gets EAGAIN).</summary>
    public bool IsFull => Native.QueuedBytes(_reader) > Capacity - LongestLine;

    public static StalledFifo Create()
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tinyinit-stalled-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, Native.mkfifo(path, Convert.ToInt32("600", 8)));
        int reader = Native.open(path, Native.O_RDONLY | Native.O_NONBLOCK);
        Assert.True(reader >= 0, "open the FIFO's read end");
        Assert.Equal(Capacity, Native.fcntl(reader, Native.F_SETPIPE_SZ, Capacity));
        return new StalledFifo(path, reader);
    }

    /// <summary>A wrapper that starts the command with fd (1 for stdout, 2 for stderr) on this FIFO.</summary>
    public string[] Redirect(int fd) => ["sh", "-c", $"exec \"$0\" \"$@\" {fd}>'{Path}'"];

    public void Dispose()
    {
        Native.close(_reader);
        File.Delete(Path);
    }
}
